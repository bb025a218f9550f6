# roofline.gp - roofline plot of a bench CSV (bench/bench.c).
#
#   gnuplot -e "csv='build/bench/mobilenet_v1.csv'; png='out.png'; plottitle='...'" \
#           bench/roofline.gp
#
# x: arithmetic intensity, 2*MACs / (4 bytes x (input + output + packed
#    weights floats)), a lower bound on the layer's memory traffic (log);
# y: achieved GFLOP/s (log), one point per layer and implementation;
# roofs: the measured single-thread FMA peak, the peak of the ISA the bench
#    was compiled for (dashed, when lower), and the measured read bandwidth;
#    threads=n (make bench THREADS=n: the CSV's times are at n threads): both
#    peaks n times the single-thread one, the bandwidth as measured (1 thread).
# The CSV repeats the machine numbers (peak_gflops, build_peak_gflops,
# mem_gbs) on every row; empty cells (n/a) are skipped.

if (!exists("csv")) csv = 'bench.csv'
if (!exists("png")) png = 'roofline.png'
if (!exists("plottitle")) plottitle = 'sepgen roofline'
if (!exists("threads")) threads = 1

set datafile separator ','
set datafile columnheaders

stats csv using (column('peak_gflops')) nooutput
peak = STATS_max * threads
stats csv using (column('build_peak_gflops')) nooutput
bpeak = STATS_max * threads
stats csv using (column('mem_gbs')) nooutput
bw = STATS_max
stats csv using (column('ai')) nooutput
ai_lo = STATS_min
ai_hi = STATS_max
stats csv using (column('gen_gflops')) nooutput
g_lo = STATS_min

# ranges: every point, the ridge and a margin
ridge = peak / bw
xmin = (ai_lo < ridge ? ai_lo : ridge) / 3.0
xmax = (ai_hi > ridge ? ai_hi : ridge) * 3.0
ymin = g_lo / 4.0
if (bw * xmin < ymin) ymin = bw * xmin
ymax = peak * 2.0

set samples 2000
set terminal pngcairo size 1400,900 noenhanced font 'sans,11'
set output png
set title plottitle
set logscale xy
set xrange [xmin:xmax]
set yrange [ymin:ymax]
set xlabel 'arithmetic intensity (FLOP/byte; bytes = 4 x (input + output + packed weights), a lower bound on traffic)'
set ylabel (threads > 1 ? sprintf('GFLOP/s (%d threads)', threads) : 'GFLOP/s (single thread)')
# 1-2-5 ticks on both log axes
set xtics () format '%g'
set ytics () format '%g'
do for [k = -3:5] {
    set xtics add (10.0**k, 2 * 10.0**k, 5 * 10.0**k)
    set ytics add (10.0**k, 2 * 10.0**k, 5 * 10.0**k)
}
set grid xtics ytics lc rgb '#dddddd'
set key bottom right box opaque

roof(x) = (bw * x < peak) ? bw * x : peak
broof(x) = (bw * x < bpeak) ? bw * x : bpeak
set label 1 (threads > 1 ? sprintf('FMA peak %.1f GFLOP/s (%d x one thread)', peak, threads) : sprintf('FMA peak %.1f GFLOP/s', peak)) at xmax / 1.1, peak * 1.15 right
lx = sqrt(xmin * ridge)
set label 2 sprintf('read bandwidth %.1f GB/s', bw) at lx * 1.15, bw * lx / 1.6 left

plot roof(x) with lines lw 2 lc rgb 'black' title 'roofline (measured peak, bandwidth)', \
     (bpeak < peak * 0.99 ? broof(x) : 1/0) with lines lw 1 dt 2 lc rgb 'gray40' \
         title (bpeak < peak * 0.99 ? sprintf('peak of the ISA the bench was built for (%.1f GFLOP/s)', bpeak) : ''), \
     csv using (column('ai')):(column('xnnpack_gflops')) with points pt 5 ps 1.3 lc rgb '#d62728' title 'XNNPACK', \
     csv using (column('ai')):(column('onednn_gflops')) with points pt 9 ps 1.5 lc rgb '#2ca02c' title 'oneDNN', \
     csv using (column('ai')):(column('gen_gflops')) with points pt 7 ps 1.3 lc rgb '#1f4fb4' title 'sepgen generated', \
     csv using (column('ai')):(column('gen_gflops')):(stringcolumn('layer')) with labels offset char 0.6,0.6 left font 'sans,8' tc rgb '#1f4fb4' notitle
