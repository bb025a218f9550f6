-- plan_par.lua - how a layer's work splits into tasks for N_forward_par
-- (SPEC section 11, `--threads n`).  Numbers only: the sentences are
-- explain.lua's.
--
-- A split layer is a list of row bands, each computed by one call of the
-- same kernels whichever task runs it: a task takes the bands that start
-- in its share of the output rows (task t of T: rows R*t/T .. R*(t+1)/T - 1
-- of the R), so every output
-- element is computed by one task, by the same instructions in the same
-- order as on one thread, and the output is bitwise identical for every
-- thread count.  A task of a fused separable layer has its own band buffer
-- (the layer's scratch holds n of them); a projection's bands need none.
local M = {}

local floor, ceil, max, min = math.floor, math.ceil, math.max, math.min

-- Band invocations of a band list ({start, n, loop}): the loops unrolled.
local function count(bands)
  local nb = 0
  for _, b in ipairs(bands) do nb = nb + (b.loop or 1) end
  return nb
end

-- The split of planned layer p (its stages, p.fused) for `threads`
-- workers: { kind = "bands", nb (bands), bands ({start, n, loop}), rows
-- (output rows), task_floats (scratch of one task), threads, direct (a
-- convolution or pool whose kernel takes the rows: a band per row) } or { kind = "one", why, ... } with
-- why "threads" (a one-thread build), "small" (fewer MACs than the
-- target's par_min_macs: a parallel call costs more than it saves), "rows"
-- (one band: nothing to share), "staged" (a convolution that copies its
-- whole input into a zero-padded buffer first), "op" (a layer kind that runs on one thread
-- in this version), "topology" (a projection read through index tables) or
-- "unfused" (a separable layer whose depthwise stage reads a staged copy
-- of its whole input, or built with --fuse never).
function M.split(tg, p, threads)
  local L = p.L
  if threads <= 1 then return { kind = "one", why = "threads" } end
  if not M.worth(tg, p, threads) then
    return { kind = "one", why = "small", macs = p.macs, min = tg.par_min_macs }
  end
  local bands, task_floats
  local st = p.stages[1]
  if (L.op == "conv" or L.op == "pool") and st.row_range then
    -- the kernel computes any range of output rows itself: a band per row
    return { kind = "bands", nb = L.OH, rows = L.OH, task_floats = 0, threads = threads, direct = true }
  elseif L.op == "conv" or L.op == "pool" then
    return { kind = "one", why = st.staged and "staged" or "rows" }
  elseif p.ch_blocks then
    -- one band per block of output channels, each its own stage (the last
    -- ones: a separable layer's depthwise stage comes first, and each task
    -- computes its whole output into its own buffer, p.mid_floats)
    local cb, first = {}, #p.stages - #p.ch_blocks
    for i = 1, #p.ch_blocks do cb[i] = { start = i - 1, n = 1, stage = first + i } end
    return { kind = "bands", nb = #cb, bands = cb, task_floats = p.mid_floats or 0, threads = threads,
             rows = #cb, unit = "channels" }
  elseif L.op == "separable" then
    if not p.fused then return { kind = "one", why = "unfused", fusion = p.fusion.kind } end
    bands, task_floats = p.fused.bands, p.fused.band_floats
  elseif L.op == "dwconv" and p.dw_bands then
    bands, task_floats = p.dw_bands.bands, 0
  elseif L.op == "dwconv" then
    return { kind = "one", why = p.stages[1].staged and "staged" or "rows" }
  elseif L.op == "pwconv" and p.pw_bands then
    bands, task_floats = p.pw_bands.bands, 0
  elseif L.op == "pwconv" then
    return { kind = "one", why = "topology" }
  else
    return { kind = "one", why = "op" }
  end
  local nb = count(bands)
  if nb < 2 then return { kind = "one", why = "rows" } end
  local pixels = L.op == "pwconv" and p.pw_bands.unit == "pixels"
  return { kind = "bands", nb = nb, bands = bands, task_floats = task_floats, threads = threads,
           rows = L.op == "separable" and L.MH or L.op == "dwconv" and L.OH or pixels and L.H * L.W or L.H,
           unit = pixels and "pixels" or "rows" }
end

-- Whether layer plan p, of p.macs, is worth a parallel call with
-- `threads` workers: the one test every split decision starts from.
function M.worth(tg, p, threads)
  return threads > 1 and p.macs >= tg.par_min_macs
end

-- The bands of B rows of a stage whose output rows fall into row classes
-- `classes` ({v0, v1} each, in order: a band never spans two, as in
-- plan_fuse.dw_bands): {start, n} each, in order.
local function class_bands(classes, B)
  local list = {}
  for _, rc in ipairs(classes) do
    local y = rc.v0
    while y < rc.v1 do
      local n = min(B, rc.v1 - y)
      list[#list + 1] = { start = y, n = n }
      y = y + n
    end
  end
  return list
end

-- The rows the busiest of T tasks computes from the bands `list` ({start,
-- n}) of R rows, task t taking those that start in R*t/T .. R*(t+1)/T - 1.
local function busiest_of(list, R, T)
  local worst = 0
  for t = 0, T - 1 do
    local lo, hi = floor(R * t / T), floor(R * (t + 1) / T)
    local rows = 0
    for _, b in ipairs(list) do
      if b.start >= lo and b.start < hi then rows = rows + b.n end
    end
    worst = max(worst, rows)
  end
  return worst
end

-- The rows the busiest of T tasks computes when R rows are cut into
-- bands of B (and one shorter last band) and task t takes the bands that
-- start in rows R*t/T .. R*(t+1)/T - 1 (C's integer division).
local function busiest(R, B, T)
  return busiest_of(class_bands({ { v0 = 0, v1 = R } }, B), R, T)
end
M.busiest = busiest

-- The band height, at most hi, of a stage whose R output rows fall into
-- row classes `classes` (bands never span two), split for T workers: of
-- the heights from hi down to half of it, the one that leaves the busiest
-- task the fewest rows with the bands as they fall, the tallest on a tie;
-- and those rows.
local function balanced_in(classes, R, hi, T)
  local best, most = hi, busiest_of(class_bands(classes, hi), R, T)
  for B = hi - 1, max(1, ceil(hi / 2)), -1 do
    local w = busiest_of(class_bands(classes, B), R, T)
    if w < most then best, most = B, w end
  end
  return best, most
end

-- The same for R rows in one class: bands of B from row 0.
local function balanced(R, hi, T)
  return balanced_in({ { v0 = 0, v1 = R } }, R, hi, T)
end

-- The height of a layer's bands when R output rows are split for
-- `threads` workers: about 4 bands per worker (B0 = R / (4 threads)), so
-- that a worker slower than the others (threads > cores, another process)
-- delays the layer by a quarter of its share; lowered to as little as
-- half of B0 when that gives the busiest task fewer rows (28 rows, 2
-- threads: bands of 3 give the first task 15 rows and the second 13,
-- bands of 2 give each 14).
function M.band_rows(R, threads)
  return (balanced(R, max(1, floor(R / (4 * threads))), threads))
end

-- class_rows(classes, R, hi, T): the band height of a depthwise stage
-- (fused or in bands of its own) split for T workers, balanced_in with the
-- stage's row classes (a border class is a band of its own).  MobileNet
-- v1's 56-row b3 at 2 threads: bands of 5 after the one-row top border
-- gave the tasks 31 and 25 rows, bands of 3 give 28 each.
M.class_rows = balanced_in

-- R rows (or pixels) in bands of B: { B, bands = {start, n, loop} } (a
-- loop of bands of B and one remainder band).
local function bands_of(R, B)
  local nb = floor(R / B)
  local bands = { { start = 0, n = B, loop = nb > 1 and nb or nil } }
  if R - nb * B > 0 then bands[#bands + 1] = { start = nb * B, n = R - nb * B } end
  return { B = B, bands = bands }
end

-- The row bands of a projection layer of H rows split for `threads`
-- workers (M.band_rows).
function M.pw_rows(H, threads)
  return bands_of(H, M.band_rows(H, threads))
end

-- The blocks of C output channels of an fc or projection split for
-- `threads` workers, {first, end} each: one block a worker, the boundaries
-- on multiples of vw (whole vectors); nil when the outputs are too few for
-- one vector a worker.
function M.channel_blocks(C, threads, vw)
  if C < threads * vw then return nil end
  local blocks, prev = {}, 0
  for t = 1, threads do
    local e = t == threads and C or floor(C * t / threads / vw) * vw
    if e > prev then blocks[#blocks + 1] = { prev, e } end
    prev = e
  end
  return #blocks > 1 and blocks or nil
end

-- The split of a projection layer of H rows of W pixels for `threads`
-- workers, mr: its register tile's pixels: row bands (M.pw_rows; unit
-- "rows"), or bands of pixels (unit "pixels": its pixels are contiguous in
-- input and output alike) when those leave the busiest task a share of the
-- layer smaller by more than 2%: few rows split unevenly (7 rows on 2
-- threads give one task 4 of 7, bands of 12 pixels 25 of 49).  Pixel
-- bands of about 4 a worker as row bands (M.band_rows), but at least mr
-- pixels while a worker's share holds them; from that height down to half
-- of it, the longest that leaves the busiest task fewest pixels.
function M.pw_split(H, W, threads, mr)
  local rows = M.pw_rows(H, threads)
  rows.unit = "rows"
  local P = H * W
  local best, most = balanced(P, max(ceil(P / (4 * threads)), min(mr, ceil(P / threads))), threads)
  if most / P < busiest(H, rows.B, threads) / H - 0.02 then
    local px = bands_of(P, best)
    px.unit = "pixels"
    return px
  end
  return rows
end

-- What a depthwise multiply-accumulate costs in projection ones: the
-- depthwise stages of 7x7x1024 layers ran at 40-51 GFLOP/s where their
-- projections ran at 116-118 (avx512, Zen 5, make bench, 2026-12-06).
local DW_MAC = 3

-- The output channel blocks of separable layer L when its tasks should
-- each compute the whole depthwise output and then project their block
-- (plan_par.channel_blocks), or nil when fused row bands (M.band_rows)
-- do better: with few output rows, bands split unevenly (7 rows on 2
-- threads give one task 4 of 7) while duplicating the depthwise stage
-- costs little beside the projection.  The busiest task's work in
-- projection MACs (a depthwise MAC counts DW_MAC): bands' share of the
-- rows of the whole layer, against the whole depthwise stage and the
-- largest block of the projection; blocks when they leave it less by more
-- than 2%.  Also returns both estimates.
function M.sep_blocks(L, threads, vw)
  local blocks = M.channel_blocks(L.OC, threads, vw)
  if not blocks then return nil end
  local dw = DW_MAC * L.MH * L.MW * L.MC * L.kh * L.kw
  local pw = L.MH * L.MW * L.OC * L.pw.S
  local R = L.MH
  local rows = busiest(R, M.band_rows(R, threads), threads) / R * (dw + pw)
  local widest = 0
  for _, c in ipairs(blocks) do widest = max(widest, c[2] - c[1]) end
  local by_blocks = dw + pw * widest / L.OC
  if by_blocks < 0.98 * rows then return blocks, by_blocks, rows end
  return nil, by_blocks, rows
end

M.count = count
return M
