-- plan.lua - pure arithmetic from a validated layer to everything the
-- emitter needs: stages, border regions, channel and pixel tiles (with the
-- reason for each choice), packed-weight offsets, scratch, MACs and cost.
-- No C text here: "why this tile?" is answered by this file alone.
local util = require("util")
local targets = require("targets")

local M = {}

local floor, max, min = math.floor, math.max, math.min

---------------------------------------------------------------- axes

-- One axis of a spatial stage as classes of output coordinates that read
-- the same set of taps.  Within a class the loop variable v runs over
-- [v0, v1); the output coordinate is b*v + r and tap t reads input
-- coordinate a*v + off.
--
-- conv (forward dwconv): out o = v, in = s*v - p + t*d      (a = s, b = 1)
-- deconv (its adjoint):  out o = s*q + r, in = q + (r + p - t*d)/s for the
--                        taps with (r + p - t*d) divisible by s (a = 1, b = s)
--
-- lo, hi: the readable input range: 0..n-1 for an input of n, further for a
-- staged (zero-padded) copy.
local function axis_classes(kind, o, k, s, d, p, lo, hi)
  local classes = {}
  local phases = kind == "deconv" and s or 1
  for r = 0, phases - 1 do
    local a, b, vcount
    if kind == "deconv" then
      a, b = 1, s
      vcount = util.ceil_div(o - r, s)
    else
      a, b = s, 1
      vcount = o
    end
    local cur
    for v = 0, vcount - 1 do
      local taps = {}
      for t = 0, k - 1 do
        local off
        if kind == "deconv" then
          local num = r + p - t * d
          if util.imod(num, s) == 0 then off = util.idiv(num, s) end
        else
          off = t * d - p
        end
        if off then
          local x = a * v + off
          if x >= lo and x <= hi then taps[#taps + 1] = { t = t, off = off } end
        end
      end
      local sig = {}
      for i, tp in ipairs(taps) do sig[i] = util.int(tp.t) end
      sig = table.concat(sig, ",")
      if cur and cur.sig == sig then
        cur.v1 = v + 1
      else
        cur = { v0 = v, v1 = v + 1, a = a, b = b, r = r, taps = taps, sig = sig }
        classes[#classes + 1] = cur
      end
    end
  end
  return classes
end
M.axis_classes = axis_classes

local function count_taps(classes)
  local n = 0
  for _, c in ipairs(classes) do n = n + #c.taps end
  return n
end

-- Input range a stage would read with every tap of every class (for staging).
local function read_range(kind, n, o, k, s, d, p)
  local lo, hi = 0, n - 1
  local cls = axis_classes(kind, o, k, s, d, p, -1e9, 1e9)
  for _, c in ipairs(cls) do
    for _, tp in ipairs(c.taps) do
      lo = min(lo, c.a * c.v0 + tp.off)
      hi = max(hi, c.a * (c.v1 - 1) + tp.off)
    end
  end
  return lo, hi
end

---------------------------------------------------------------- spatial

local function scalar_tiles(tg, C, mult)
  local acc = tg.dw_acc
  local ct
  if mult >= acc then ct = 1 else ct = max(1, floor(acc / mult)) end
  ct = min(ct, C)
  local nfull = floor(C / ct)
  local tail = C - nfull * ct
  local tiles = {}
  if nfull > 0 then tiles[#tiles + 1] = { c0 = 0, count = nfull, ct = ct, nacc = ct * mult } end
  if tail > 0 then tiles[#tiles + 1] = { c0 = nfull * ct, count = 1, ct = tail, nacc = tail * mult } end
  for _, t in ipairs(tiles) do t.npad = t.nacc end
  local reason
  if mult == 1 then
    reason = string.format("%d channels per tile (%s); C = %d: %d full tile%s%s",
      ct, tg.dw_reason, C, nfull, nfull == 1 and "" or "s",
      tail > 0 and (string.format(" + a generated %d-channel tail", tail)) or ", no tail")
  else
    reason = string.format("%d input channel%s x multiplier %d = %d accumulators per tile (%s); " ..
      "C = %d: %d full tile%s%s", ct, ct == 1 and "" or "s", mult, ct * mult, tg.dw_reason, C, nfull,
      nfull == 1 and "" or "s",
      tail > 0 and (string.format(" + a generated %d-channel tail", tail)) or ", no tail")
  end
  return tiles, reason
end

-- SIMD channel tiles.  Output channel c*mult+q reads input channel c, so a
-- tile of CT input channels makes CT*mult contiguous outputs.  With CT =
-- lcm(VW, mult)/mult every tile starts at the same phase of the multiplier,
-- so each of its nv = lcm/VW output vectors takes its inputs through one
-- constant permutation (a broadcast when all lanes read one channel).
local function simd_tiles(tg, C, mult)
  local VW = tg.vw
  local L = util.idiv(VW * mult, util.gcd(VW, mult))
  local ct, nv = util.idiv(L, mult), util.idiv(L, VW)
  if nv > 4 then return nil, string.format("multiplier %d: lcm(%d, %d)/%d = %d vectors per tile " ..
    "exceeds the 4 this target's tile allows", mult, VW, mult, VW, nv) end
  local tiles = {}
  local nfull = floor(C / ct)
  local tail = C - nfull * ct
  if nfull > 0 then
    tiles[#tiles + 1] = { c0 = 0, count = nfull, ct = ct, nacc = ct * mult, nv = nv, vec = true }
  end
  if tail > 0 then
    local nacc = tail * mult
    tiles[#tiles + 1] = { c0 = nfull * ct, count = 1, ct = tail, nacc = nacc,
                          nv = util.ceil_div(nacc, VW), vec = tg.masked, tail = true }
  end
  for _, t in ipairs(tiles) do
    t.npad = t.vec and t.nv * VW or t.nacc
    -- per output vector: the input lane each output lane reads
    t.perm = {}
    for v = 0, (t.nv or 0) - 1 do
      local idx, same = {}, true
      for l = 0, VW - 1 do
        idx[l + 1] = floor((v * VW + l) / mult)
        if idx[l + 1] >= t.ct then idx[l + 1] = t.ct - 1 end
        if idx[l + 1] ~= idx[1] then same = false end
      end
      t.perm[v + 1] = { idx = idx, bcast = same and idx[1] or nil }
    end
  end
  local ur = min(tg.dw_ur, max(1, floor(tg.dw_acc / nv)))
  local reason = string.format("%d input channel%s (x multiplier %d = %d outputs, %d vector%s of %d) " ..
    "per tile, %d output pixels per step (%s); C = %d: %d full tile%s%s", ct, ct == 1 and "" or "s",
    mult, ct * mult, nv, nv == 1 and "" or "s", VW, ur, tg.dw_reason, C, nfull, nfull == 1 and "" or "s",
    tail > 0 and (string.format(" + a generated %d-channel tail (%s)", tail,
      tg.masked and "masked loads and stores" or "scalar code")) or ", no tail")
  return tiles, reason, ur
end

local function tile_channels(tg, C, mult)
  if tg.simd then
    local tiles, reason, ur = simd_tiles(tg, C, mult)
    if tiles then return tiles, reason, ur, true end
    local t2, r2 = scalar_tiles(targets.scalar, C, mult)
    return t2, "no " .. tg.name .. " specialization for this stage (" .. reason ..
      "): portable scalar code. " .. r2, 1, false
  end
  local t, r = scalar_tiles(tg, C, mult)
  return t, r, 1, false
end

-- A depthwise stage (conv or deconv).  g: geometry {H, W, C, OH, OW, kh,
-- kw, sh, sw, dh, dw, pt, pl, pb, pr, mult}.
local function spatial_stage(tg, kind, g)
  local st = { kind = "spatial", deconv = kind == "deconv" }
  for k, v in pairs(g) do st[k] = v end
  st.OC = g.C * g.mult
  local rows = axis_classes(kind, g.OH, g.kh, g.sh, g.dh, g.pt, 0, g.H - 1)
  local cols = axis_classes(kind, g.OW, g.kw, g.sw, g.dw, g.pl, 0, g.W - 1)
  -- generated lines: every region repeats its taps (and ~12 lines of set-up
  -- and store) once per channel tile; a multiplier makes taps 4 lines
  local ntiles = (g.C % min(g.C, max(1, floor(tg.dw_acc / g.mult))) == 0) and 1 or 2
  local per_tap = g.mult > 1 and 4 or 1
  local lines = (count_taps(rows) * count_taps(cols) * per_tap + 12 * #rows * #cols) * ntiles
  local full = (g.kh * g.kw * per_tap + 12) * ntiles
  st.border_lines = lines
  if lines > tg.border_budget + full then
    -- too many distinct border classes: copy the input into a zero-padded
    -- scratch image so that one class per phase covers every output
    local rlo, rhi = read_range(kind, g.H, g.OH, g.kh, g.sh, g.dh, g.pt)
    local clo, chi = read_range(kind, g.W, g.OW, g.kw, g.sw, g.dw, g.pl)
    st.staged = { top = -rlo, left = -clo, PH = rhi - rlo + 1, PW = chi - clo + 1 }
    rows = axis_classes(kind, g.OH, g.kh, g.sh, g.dh, g.pt, rlo, rhi)
    cols = axis_classes(kind, g.OW, g.kw, g.sw, g.dw, g.pl, clo, chi)
    st.border_reason = string.format("borders staged through a zero-padded %dx%dx%d copy of the " ..
      "input: unrolling every border class would take about %d lines of C (budget %d)",
      st.staged.PH, st.staged.PW, g.C, lines, tg.border_budget)
    st.staged_floats = st.staged.PH * st.staged.PW * g.C
  else
    st.border_reason = string.format("%d row class%s x %d column class%s, padding resolved at " ..
      "generation time (about %d lines of C)", #rows, #rows == 1 and "" or "es", #cols,
      #cols == 1 and "" or "es", lines)
    st.staged_floats = 0
  end
  st.rows, st.cols = rows, cols
  -- where tap offsets are measured: the input, or its staged padded copy
  st.top = st.staged and st.staged.top or 0
  st.left = st.staged and st.staged.left or 0
  st.in_w = st.staged and st.staged.PW or g.W
  -- regions: every (row class, column class) pair with a non-empty range
  st.regions = {}
  for _, rc in ipairs(rows) do
    for _, cc in ipairs(cols) do
      st.regions[#st.regions + 1] = { r = rc, c = cc }
    end
  end
  local simd
  st.tiles, st.tile_reason, st.ur, simd = tile_channels(tg, g.C, g.mult)
  st.tdir = simd and tg.template_dir or "scalar"
  st.isa = simd and tg or nil
  -- channel blocks: when kh input rows of every channel exceed the L1 share
  -- but the whole input sits in L2, the image is passed once per block of
  -- channel tiles whose kh input rows fit L1, so each input line comes from
  -- L2 once and the kh output rows that read it find it in L1.  Inputs
  -- beyond L2 stream from memory in one pass (several passes would each
  -- touch a fraction of every pixel's lines).
  -- A block must hold whole divisors of the tile count and at least two
  -- cache lines of each pixel (narrower blocks use a fraction of every line
  -- they fetch; the two-line floor is a choice, not a measurement).
  local t1 = st.tiles[1]
  local rows_bytes = g.kh * st.in_w * g.C * 4
  local in_bytes = 4 * (st.staged and st.staged_floats or g.H * g.W * g.C)
  local all_vec = t1.vec and (not st.tiles[2] or st.tiles[2].vec)
  st.all_vec = simd and all_vec
  local cb
  if simd and t1.count > 1 then
    cb = max(1, floor(tg.dw_l1 / (g.kh * st.in_w * t1.ct * 4)))
    while t1.count % cb ~= 0 do cb = cb - 1 end
  end
  -- two output rows per pixel group when twice the accumulators fit
  local function pair_rows(why)
    if 2 * st.ur * t1.nv <= tg.dw_acc then
      st.pairs = true
      st.pairs_reason = string.format("output rows in pairs (2 x %d pixels x %d vector%s = %d accumulators): %s",
        st.ur, t1.nv, t1.nv == 1 and "" or "s", 2 * st.ur * t1.nv, why)
    end
  end
  local why_not
  if not simd then
    st.order_reason = "one pass, pixels outer (scalar code)"
  elseif not all_vec then
    st.order_reason = "row by row, each channel tile over the row in turn (the channel tail is scalar code)"
  elseif rows_bytes <= tg.dw_l1 then
    why_not = string.format("within the %d KiB of L1 planned for them", util.idiv(tg.dw_l1, 1024))
  elseif in_bytes > tg.dw_l2 then
    why_not = string.format("beyond L1, but the %d KiB input exceeds the %d KiB of L2 planned for it, " ..
      "so passes over channel blocks would each stream part of every line", util.ceil_div(in_bytes, 1024),
      util.idiv(tg.dw_l2, 1024))
  elseif not cb or cb * t1.ct * 4 < 128 then
    why_not = string.format("beyond L1, but %s", not cb and "there is one channel tile" or
      string.format("the largest block dividing the %d tiles holds %d channels, less than two cache " ..
        "lines of a pixel", t1.count, cb * t1.ct))
  else
    st.cb = cb
    local passes = util.idiv(t1.count, cb) + (st.tiles[2] and 1 or 0)
    st.order_reason = string.format("%d passes over the %d KiB input (it fits the %d KiB of L2 " ..
      "planned for it), over blocks of %d channels%s: %d input rows x %d channels = %d KiB exceed the " ..
      "%d KiB of L1 planned for them, %d channels' rows fit", passes, util.ceil_div(in_bytes, 1024),
      util.idiv(tg.dw_l2, 1024), cb * t1.ct, st.tiles[2] and " and the tail" or "", g.kh, g.C,
      util.ceil_div(rows_bytes, 1024), util.idiv(tg.dw_l1, 1024), cb * t1.ct)
  end
  if why_not then
    st.order_reason = string.format("one pass: each group of pixels runs through every channel tile " ..
      "(%d input rows x %d channels = %d KiB, %s)", g.kh, g.C, util.ceil_div(rows_bytes, 1024), why_not)
    -- rows beyond L1 in one pass: two output rows per pixel group, so the
    -- input rows they share come from L2 once for both
    if rows_bytes > tg.dw_l1 then pair_rows("the input rows both read are loaded from L2 once") end
  end
  -- passes over channel blocks at stride 1 pair output rows too: twice
  -- the independent accumulator chains of one row (FMA latency, the likely
  -- reason), each weight vector loaded once for both rows (tests/bench/ab.sh
  -- on avx512: 14x14x512 -8.5%, 14x14x384 -12%, 7x7x1024 -7%, 7x7x960 and
  -- 14x14x576 within noise).  At stride 2 eight shapes went both ways, 9
  -- rounds each: 28x28x160 -33%, 20x20x256 -6%, 14x14x576 -2..-7%, but
  -- 14x14x384 +4%, 14x14x512 +6%, 14x14x640 +4..7%, 16x16x512 +1..5%,
  -- 10x10x1024 +11..13%; stride-2 stages keep one row per group.
  if st.cb and g.sh == 1 then
    pair_rows("twice the independent FMA chains of one row, each weight vector loaded once for both rows")
  end
  -- packed weights: per tile [bias npad][kh*kw taps][npad] (npad: nacc
  -- rounded up to whole vectors, zero-filled)
  local taps = g.kh * g.kw
  st.wfloats = 0
  for _, t in ipairs(st.tiles) do
    t.bias_floats = g.bias and t.npad or 0
    t.stride = t.bias_floats + taps * t.npad
    t.woff = st.wfloats
    st.wfloats = st.wfloats + t.count * t.stride
  end
  return st
end

---------------------------------------------------------------- projection

-- Source channels of every output channel (SPEC 3.3), increasing order.
function M.topology_sources(topo, cout)
  local d = #topo.grid_in
  local srcs = {}
  for o = 0, cout - 1 do
    local oc, rest = {}, o
    for j = d, 1, -1 do
      oc[j] = util.imod(rest, topo.grid_out[j])
      rest = util.idiv(rest, topo.grid_out[j])
    end
    local base = {}
    for j = 1, d do base[j] = util.idiv(oc[j] * topo.grid_in[j], topo.grid_out[j]) end
    local list = {}
    local t = {}
    for j = 1, d do t[j] = 0 end
    while true do
      local idx = 0
      for j = 1, d do
        idx = idx * topo.grid_in[j] + util.imod(base[j] + t[j], topo.grid_in[j])
      end
      list[#list + 1] = idx
      local j = d
      while j >= 1 do
        t[j] = t[j] + 1
        if t[j] < topo.window[j] then break end
        t[j] = 0
        j = j - 1
      end
      if j < 1 then break end
    end
    table.sort(list)
    srcs[o + 1] = list
  end
  return srcs
end

-- Recognizes a topology whose outputs form equal contiguous blocks, each
-- reading a contiguous input range starting at an arithmetic progression:
-- then it runs as a grouped GEMM.  Returns {G, cout_g, S, in_step} or nil.
local function as_groups(srcs, cout, S)
  local blocks = {}
  local o = 1
  while o <= cout do
    local l = srcs[o]
    for s = 2, S do if l[s] ~= l[1] + s - 1 then return nil end end
    local e = o
    while e + 1 <= cout and srcs[e + 1][1] == l[1] do e = e + 1 end
    blocks[#blocks + 1] = { o0 = o - 1, n = e - o + 1, src0 = l[1] }
    o = e + 1
  end
  local n = blocks[1].n
  local step = #blocks > 1 and (blocks[2].src0 - blocks[1].src0) or 0
  for i, b in ipairs(blocks) do
    if b.n ~= n or b.src0 ~= blocks[1].src0 + (i - 1) * step then return nil end
  end
  if blocks[1].src0 ~= 0 then return nil end
  return { G = #blocks, cout_g = n, in_step = step }
end

-- Outputs in runs that share one source list, all runs of one length:
-- then the topology runs as a dense GEMM per run.  Returns the runs or nil.
local function as_classes(srcs, cout, S)
  local runs = {}
  local o = 1
  while o <= cout do
    local e = o
    while e + 1 <= cout do
      local same = true
      for s = 1, S do if srcs[e + 1][s] ~= srcs[o][s] then same = false; break end end
      if not same then break end
      e = e + 1
    end
    runs[#runs + 1] = { o0 = o - 1, n = e - o + 1, src = srcs[o] }
    o = e + 1
  end
  for _, r in ipairs(runs) do if r.n ~= runs[1].n then return nil end end
  if runs[1].n < 2 then return nil end
  return runs
end

-- A projection tile's input rows are `stride` floats apart: when 4 * stride
-- bytes is a multiple of a large power of two they share L1 sets (64 sets
-- of 64-byte lines), and more rows than an 8-way L1 holds per set evict
-- each other on every step (make bench, MobileNet v1 b13, Cin = 1024:
-- 14-row tiles took 1114-1130 us, 7-row tiles 671 us).  True when `rows`
-- such rows would.
function M.rows_conflict(stride, rows)
  local line_stride = (4 * stride) % 64 == 0 and util.idiv(4 * stride, 64) or 1
  local set_step = util.gcd(line_stride, 64)
  return util.ceil_div(rows * set_step, 64) > 8
end

-- pw.istride: floats from one input pixel to the next when the input is a
-- padded intermediate (M.layer), else pw.cin.  force_nr, force_pair: the
-- panel width and pair tiles (true / false) of another variant of the same
-- weights (fused bands share the layer's packed projection)
local function pw_stage(tg, pw, P, bias, force_nr, force_pair)
  local st = { kind = "pw", P = P, cin = pw.cin, cout = pw.cout, S = pw.S, bias = bias,
               istride = pw.istride or pw.cin }
  local mode, G, cout_g, in_step = "dense", 1, pw.cout, 0
  if pw.topo then
    local srcs = M.topology_sources(pw.topo, pw.cout)
    local gr = as_groups(srcs, pw.cout, pw.S)
    local cl = not gr and tg.simd and as_classes(srcs, pw.cout, pw.S)
    if gr then
      mode, G, cout_g, in_step = "groups", gr.G, gr.cout_g, gr.in_step
    elseif cl then
      -- a small dense GEMM per window: each class of outputs shares one
      -- source list (read through a table), its weights packed as a panel
      mode, G, cout_g = "classes", #cl, cl[1].n
      st.class_srcs, st.all_srcs = cl, srcs
    else
      mode = "gather"
      st.srcs = srcs
    end
  end
  st.mode, st.G, st.cout_g, st.in_step = mode, G, cout_g, in_step
  local simd = tg.simd and mode ~= "gather"
  local mr, nr, nr_pad, nt_pad, ntvec
  local reason = tg.pw_reason
  if simd then
    local VW = tg.vw
    -- register tile: the candidate (pixels x vectors) with the fewest
    -- estimated cycles per input channel over the whole layer, tails
    -- included (a pixel tail costs its own rows, a channel tail its own
    -- vectors, or scalar FMAs without masks); ties go to the earlier, more
    -- load-efficient shape
    local function step(rows, vecs)  -- one tile, one input channel
      return max(rows * vecs / 2, (rows + vecs) / 2, 4)
    end
    local function conflicts(rows) return M.rows_conflict(st.istride, rows) end
    local best, bestc
    for pass = 1, 2 do
      for _, c in ipairs(tg.pw_tiles) do
        local cmr, cnv = min(c[1], P), c[2]
        local cnr = cnv * VW
        local fits = cnv == 1 or cnr <= util.ceil_div(cout_g, VW) * VW
        if force_nr then fits = min(cnr, cout_g) == force_nr end
        if pass == 1 and conflicts(cmr) then fits = false end   -- only when nothing else fits
        if fits then
          local nre = min(cnr, cout_g)
          local nv, np = util.ceil_div(nre, VW), floor(cout_g / nre)
          local tc = cout_g - np * nre
          local fp, tr = floor(P / cmr), P % cmr
          local function panel(rows)
            local cyc = np * step(rows, nv)
            if tc > 0 then
              cyc = cyc + ((tg.masked or tc % VW == 0) and step(rows, util.ceil_div(tc, VW)) or rows * tc / 2)
            end
            return cyc
          end
          local cost = fp * panel(cmr) + (tr > 0 and panel(tr) or 0)
          if not tg.masked and nre % VW ~= 0 then cost = P * cout_g / 2 end   -- scalar code
          if not bestc or cost < bestc - 1e-9 then best, bestc = c, cost end
        end
      end
      if best then break end
    end
    local tiles_text = table.concat(util.map(tg.pw_tiles, function(c)
      return util.int(c[1]) .. "x" .. util.int(c[2]) end), ", ")
    mr, nr = best[1], best[2] * VW
    reason = string.format("%d pixels x %d vector%s: of this target's register tiles (%s) the one with " ..
      "the fewest estimated cycles per input channel, tails included (%s cycles, %s%% of the FMA peak; a " ..
      "tile step costs the most of its FMAs / 2, its loads / 2 and 4 cycles of FMA latency); %s",
      min(mr, P), best[2], best[2] == 1 and "" or "s", tiles_text, util.fixed(bestc, 1),
      util.fixed(100 * P * cout_g / VW / 2 / bestc, 0), tg.pw_reason)
    -- Pixel pairs (tg.pair_tile): with cout an odd number of half vectors
    -- (24 on AVX-512), a pixel-major tile wastes the last vector's upper half
    -- (25% of the FMAs at cout 24).  A vector of the pair tile holds VW/2
    -- output channels of two pixels, lanes alternating (p0, p1); the tile
    -- repacks its pixels' inputs so each double in a stack buffer holds one
    -- input channel of both pixels, read by one 64-bit broadcast, and
    -- de-interleaves the accumulators once at the end.  Its cost: the FMA
    -- step of R pairs x nv vectors over the input channels padded to whole
    -- vectors, plus about one cycle per pixel and 16 channels for the
    -- repack.  R shrinks so the stack buffer stays within 16 KiB.  Two
    -- limits the model does not see, from tests/bench/ab.sh on avx512
    -- (7 rounds, twice): pairs won at 1, 3 and 5 vectors (8 outputs +45%,
    -- 24 +5..11%, 40 +5..14%) but lost at 7 (56 outputs, 3 pairs: 8% and
    -- 17% slower), so at least 4 pairs; each weight is packed twice and
    -- every tile reads all of them: pairs won with 46-77 KiB of them (4-5%)
    -- and lost with 225 KiB, so at most 80 KiB.
    if tg.pair_tile and mode == "dense" and (force_pair ~= false) then
      assert(VW == 16, "pair tiles are written for 16-float vectors")
      local half = util.idiv(VW, 2)
      local nv = util.idiv(cout_g, half)
      local k16 = util.ceil_div(pw.cin, VW) * VW
      local R = min(8, floor((tg.regs - 1 - nv) / max(nv, 1)), floor(16 * 1024 / (8 * k16)))
      local wfloats = ((bias and 1 or 0) + k16) * 2 * cout_g   -- every weight twice
      if cout_g % VW ~= 0 and cout_g % half == 0 and R >= 4 and (force_pair or 4 * wfloats <= 80 * 1024) then
        local tiles = floor(P / (2 * R))
        local rem = P - tiles * 2 * R
        local pc = (tiles * step(R, nv) + (rem > 0 and step(util.ceil_div(rem, 2), nv) or 0)) * k16 / pw.cin +
                   P / 16 * k16 / pw.cin
        if force_pair or pc < bestc - 1e-9 then
          st.pair = { R = R, nv = nv, k16 = k16, wfloats = wfloats }
          mr, nr = 2 * R, cout_g
          reason = string.format("pixel pairs: %d pairs x %d vectors, each vector %d outputs of 2 pixels; %d " ..
            "outputs are %d half vectors, so pixel-major tiles leave half of a vector idle: of this " ..
            "target's register tiles (%s) the best costs %s cycles per input channel, pairs %s (%s%% of " ..
            "the FMA peak; the inputs repacked to a %d KiB stack buffer per tile, %d input channels " ..
            "padded to %d); %s", R, nv, half, cout_g, nv, tiles_text, util.fixed(bestc, 1),
            util.fixed(pc, 1), util.fixed(100 * P * cout_g / VW / 2 / pc, 0), util.ceil_div(R * k16 * 8, 1024),
            pw.cin, k16, tg.pw_reason)
        end
      end
    end
  else
    if tg.simd then
      reason = "no " .. tg.name .. " specialization for gathered topologies: portable scalar code; " ..
               targets.scalar.pw_reason
      tg = targets.scalar
    end
    mr, nr = tg.pw_mr, tg.pw_nr
  end
  nr = min(nr, cout_g)
  mr = min(mr, P)
  st.mr, st.nr = mr, nr
  st.pfull = floor(P / mr) * mr
  st.ptail = P - st.pfull
  st.npanels = floor(cout_g / nr)
  st.ntail = cout_g - st.npanels * nr
  nr_pad, nt_pad, ntvec = nr, st.ntail, false
  if simd then
    local VW = tg.vw
    nr_pad = util.ceil_div(nr, VW) * VW
    -- the tail panel is vector code when the ISA has masks, else scalar
    if tg.masked then nt_pad = util.ceil_div(st.ntail, VW) * VW; ntvec = true end
    if nr_pad ~= nr and not tg.masked then
      -- fewer outputs than one vector and no masks: scalar code
      simd, nr_pad, nt_pad, ntvec = false, nr, st.ntail, false
      reason = "outputs per group not a whole number of " .. tg.name .. " vectors and no masked " ..
               "loads: portable scalar code"
    end
  end
  if st.mode == "classes" and not simd then
    -- the scalar code reads sources per output channel
    st.mode, st.G, st.cout_g, st.srcs = "gather", 1, pw.cout, st.all_srcs
    mode, G, cout_g = st.mode, 1, pw.cout
    st.npanels = floor(pw.cout / nr)
    st.ntail = pw.cout - st.npanels * nr
    nr_pad, nt_pad = nr, st.ntail
  end
  st.simd, st.isa = simd, simd and tg or nil
  st.tdir = simd and tg.template_dir or "scalar"
  st.nr_pad, st.ntail_pad, st.tail_vec = nr_pad, nt_pad, ntvec
  -- packed: per group, per panel: [bias nr_pad][S][nr_pad]; tail panel likewise
  st.panel_stride = (bias and nr_pad or 0) + pw.S * nr_pad
  st.tail_stride = (bias and nt_pad or 0) + pw.S * nt_pad
  st.group_stride = st.npanels * st.panel_stride + st.tail_stride
  st.wfloats = G * st.group_stride
  if st.pair then
    -- packed: [bias 2*cout] then per padded input channel [2*cout], lanes
    -- (output 8v + l/2 of vector v, lane l); see templates/pack.c.in
    st.tname = "pw_pair"
    st.wfloats = st.pair.wfloats
  end
  -- loop order: with every weight of the layer in L1, a pixel tile's inputs
  -- stay in L1 across all panels; otherwise one panel's weights stay in
  -- L1/L2 while the pixels stream past
  local wbytes = 4 * st.wfloats
  st.pixel_outer = wbytes <= 24 * 1024 or not simd
  -- pixel blocks: a block of inputs (about 192 KiB) stays in L2 while every
  -- panel passes over it, each panel's weights staying in L1/L2
  st.pblock = st.pfull
  if not st.pixel_outer and st.pfull > 0 then
    local rows = max(1, floor(192 * 1024 / (4 * pw.cin * mr)))
    st.pblock = min(st.pfull, rows * mr)
  end
  -- nloop blocks of pblock pixels run in a loop; the last block takes the
  -- remaining full tiles and the pixel tail, so no panel is read twice for it
  st.nloop = st.pfull > 0 and max(floor(st.pfull / st.pblock) - 1, 0) or 0
  st.order_reason = st.pair and string.format("one panel (%d KiB of weights): pixel tiles in order",
      util.ceil_div(wbytes, 1024)) or
    (not simd) and "pixel tiles outer, then channel panels (scalar code)" or st.pixel_outer and
    string.format("pixel tiles outer: all %d KiB of weights stay in L1 across the panels",
      util.ceil_div(wbytes, 1024)) or
    string.format("%s outer, then panels (%d KiB of weights each, kept in L1/L2), then pixel tiles",
      st.nloop > 0 and string.format("blocks of %d pixels (%d KiB of input, kept in L2)", st.pblock,
        util.ceil_div(4 * st.pblock * pw.cin, 1024)) or
      string.format("one block of all %d pixels (%d KiB of input)", P, util.ceil_div(4 * P * pw.cin, 1024)),
      util.ceil_div(4 * st.panel_stride, 1024))
  -- Weight prefetch: with panels outer, the first pixel tile of a panel
  -- reads its weights from L3 or DRAM at the tile's full rate (the 7x64
  -- tile of a 1024-channel layer: 256 bytes per 14 cycles, about 64 GB/s at
  -- 3.5 GHz, twice the 31-32 GB/s of DRAM make bench measures on Zen 5),
  -- then the other tiles read them from L2.  The full tiles
  -- therefore also prefetch the next panel into L2, spread over all the
  -- tiles of the smallest block: one 64-byte line every `every` input
  -- channels (a power of two <= 16 dividing S), the sparsest rate that
  -- still covers the panel; the template issues it from an outer loop over
  -- chunks of `every` channels, so the inner loop carries no test.
  if simd and tg.prefetch and not st.pixel_outer and not st.pair and st.pfull > 0 and
      (st.npanels > 1 or st.ntail > 0) then
    local last = st.pfull - st.nloop * st.pblock
    local tiles = floor((st.nloop > 0 and min(st.pblock, last) or last) / mr)
    local lines = util.ceil_div(max(st.panel_stride, st.tail_stride), 16)
    local every = 1
    while every < 16 and 2 * every * lines <= tiles * pw.S and pw.S % (2 * every) == 0 do every = 2 * every end
    st.prefetch = { every = every, tiles = tiles, lines = lines }
    st.order_reason = st.order_reason .. string.format("; each full tile prefetches into L2 its share of " ..
      "the next panel, one 64-byte line every %d input channel%s (spread over the %d tiles of a block)",
      every, every == 1 and "" or "s", tiles)
  end
  local what = ({ dense = "dense", groups = "grouped (" .. G .. " groups of " .. cout_g ..
                  " outputs, each reading " .. pw.S .. " contiguous inputs)",
                  gather = "topology with gathered sources (index table)",
                  classes = "topology as " .. G .. " dense GEMMs of " .. cout_g .. " outputs, each over " ..
                    "its window's " .. pw.S .. " sources (index table)" })[mode]
  st.tile_reason = string.format("%s projection, %d pixels x %d outputs x %d inputs: %dx%d " ..
    "register tile (%s); %d pixel tiles%s, %d channel panel%s%s; %s", what, P, pw.cout, pw.S, mr, nr,
    reason, floor(P / mr), st.ptail > 0 and (" + " .. st.ptail .. "-pixel tail") or "",
    st.npanels, st.npanels == 1 and "" or "s",
    st.ntail > 0 and (" + " .. st.ntail .. "-channel tail" ..
      (not simd and "" or ntvec and " (masked vector code)" or " (scalar code: no masked loads)")) or "",
    st.order_reason)
  if st.istride ~= pw.cin then
    st.tile_reason = st.tile_reason .. string.format("; input pixels %d floats apart: the depthwise stage " ..
      "pads each pixel of the intermediate by 16 floats, since %d-float rows would all share L1 sets",
      st.istride, pw.cin)
  end
  return st
end

---------------------------------------------------------------- layer

local function cost(L)
  local macs, params, std
  local dwp = function(C, mult, kh, kw) return C * mult * kh * kw + (L.bias and C * mult or 0) end
  local pwp = function(pw) return pw.cout * pw.S + (L.bias and pw.cout or 0) end
  if L.op == "dwconv" then
    macs = L.OH * L.OW * L.OC * L.kh * L.kw
    params = dwp(L.C, L.mult, L.kh, L.kw)
    std = L.OH * L.OW * L.OC * L.C * L.kh * L.kw
  elseif L.op == "pwconv" then
    macs = L.OH * L.OW * L.OC * L.pw.S
    params = pwp(L.pw)
    std = L.OH * L.OW * L.OC * L.C
  elseif L.op == "separable" then
    macs = L.MH * L.MW * L.MC * L.kh * L.kw + L.OH * L.OW * L.OC * L.pw.S
    params = dwp(L.C, L.mult, L.kh, L.kw) + pwp(L.pw)
    std = L.OH * L.OW * L.OC * L.C * L.kh * L.kw
  elseif L.op == "dwdeconv" then
    macs = L.H * L.W * L.C * L.kh * L.kw
    params = dwp(L.C, 1, L.kh, L.kw)
    std = L.H * L.W * L.C * L.C * L.kh * L.kw
  else -- bottleneck
    macs = L.MH * L.MW * L.C * L.kh * L.kw + L.MH * L.MW * L.OC * L.pw.S +
           L.MH * L.MW * L.OC * L.up.kh * L.up.kw
    params = dwp(L.C, 1, L.kh, L.kw) + pwp(L.pw) + dwp(L.OC, 1, L.up.kh, L.up.kw)
    std = L.OH * L.OW * L.OC * L.C * L.kh * L.kw
  end
  return macs, params, std
end

-- Fusion of a separable layer: the depthwise output of a band of rows goes
-- to a small scratch buffer and the projection consumes it at once, so the
-- intermediate tensor never travels to memory.  Bands follow the depthwise
-- stage's row classes; inside a class of many rows, a loop over bands of B
-- rows (a constant trip count of B rows each) plus one remainder band.
-- Returns the fusion plan or nil, and the reason.
-- fuse: "auto" (the rules below), "always" (whenever the layer can be
-- fused: tests, RAM-bound builds) or "never".
function M.fusion(tg, L, d, q, fuse)
  local mid_bytes = 4 * L.MH * L.MW * L.MC
  local row_bytes = 4 * L.MW * L.MC
  -- SIMD targets fuse to keep an intermediate larger than L2 out of memory;
  -- measured on an AVX-512 machine with 1 MiB of L2 (tests/bench/ab.sh):
  -- fusing won 2.5-9% on 1176-1764 KiB intermediates with the projection's
  -- weights in L1 (before depthwise row pairs; see the one-row band rule
  -- below), lost 5-8% where each band streams weights again (64 KiB and
  -- more) and made no difference (within 2.5%) where the intermediate fits
  -- L2.  The projection weights a band may re-read: tg.fuse_wmax (see
  -- targets.lua).  Scalar code fuses to save RAM.
  local limit = tg.simd and tg.fuse_min or 32 * 1024
  if d.staged then
    return nil, "not fused: the depthwise stage reads a staged copy of its whole input"
  end
  if fuse == "never" then return nil, "not fused: --fuse never" end
  -- An input beyond the target's L2 share streams from L3 or DRAM; fused,
  -- each band's projection prefetches the next band's rows
  -- (M.band_prefetch), so on targets with a prefetch such a layer is fused
  -- even when its intermediate would fit L2.  MobileNet v2 s3_1 (1764 KiB
  -- input, 441 KiB intermediate) on avx512: tests/bench/ab.sh with a 16
  -- MiB sweep before each run 14-15% faster fused, warm 2%, make bench
  -- 5-6% (3 alternating pairs); avx2 7% (ab.sh, cold).  s3_2 and s3_3
  -- (588 KiB inputs): 5.5% faster with ab.sh cold, 0-3% slower under make
  -- bench, so the limit is the L2 share, not the depthwise stage's 512 KiB.
  local streamed = tg.simd and tg.prefetch and 4 * L.H * L.W * L.C > limit
  -- (--fuse always: no size rules, straight to the band choice)
  if fuse ~= "always" and mid_bytes <= limit and not streamed then
    return nil, string.format("not fused: the %d KiB intermediate stays in %s between the two stages",
      util.ceil_div(mid_bytes, 1024), tg.simd and string.format("L2 (%d KiB planned)",
        util.idiv(limit, 1024)) or "scratch (at most 32 KiB)")
  elseif fuse ~= "always" and tg.simd and 4 * q.wfloats > tg.fuse_wmax then
    return nil, string.format("not fused: the projection's %d KiB of weights do not stay in L1 " ..
      "(more than %d KiB), so every band would stream them again from L2", util.ceil_div(4 * q.wfloats, 1024),
      util.idiv(tg.fuse_wmax, 1024))
  end
  -- band: when the projection's weights sit in L1, about 32 KiB of depthwise
  -- output (L1 too) and at least 4 register tiles of pixels; otherwise about
  -- 160 KiB (L2) and at least 8 tiles, so each panel of weights brought into
  -- L1 serves many pixel tiles
  local target, tiles = 160 * 1024, 8
  if q.pixel_outer then target, tiles = 32 * 1024, 4 end
  local B = max(1, floor(target / row_bytes))
  while B * L.MW < tiles * q.mr and B * row_bytes < 512 * 1024 do B = B + 1 end
  B = min(B, L.MH)
  -- a one-row band cannot compute the depthwise output rows in pairs, which
  -- measured faster unfused (tests/bench/ab.sh, MobileNet v2 s2_1 and s2_2 on
  -- avx512: 11% and 15% faster unfused with pairs than fused in 1-row bands)
  if fuse ~= "always" and B < 2 and d.pairs then
    return nil, string.format("not fused: bands would be one output row (%d KiB of depthwise output " ..
      "a row), too short for the depthwise stage's output rows in pairs", util.ceil_div(row_bytes, 1024))
  end
  -- every band re-reads the projection's weights: worth it while they stay
  -- in L2 or cost less traffic than writing and re-reading the intermediate
  local wbytes = 4 * q.wfloats
  local nbands = util.ceil_div(L.MH, B)
  if fuse ~= "always" and wbytes > 512 * 1024 and (nbands - 1) * wbytes >= 2 * mid_bytes then
    return nil, string.format("not fused: %d bands would re-read the %d KiB of projection weights " ..
      "(%d KiB of traffic) to save writing and re-reading a %d KiB intermediate", nbands,
      util.ceil_div(wbytes, 1024), util.ceil_div((nbands - 1) * wbytes, 1024), util.ceil_div(mid_bytes, 1024))
  end
  local f = { B = B, bands = {}, dw = {}, pw = {}, pw_of = {}, band_floats = B * L.MW * (d.ostride or L.MC) }
  local function variant(ri, rc, n)
    local key = ri .. ":" .. n
    if not f.dw[key] then
      f.dw[key] = { key = key, rc = rc, n = n, name = "R" .. util.int(ri) .. "N" .. util.int(n) }
      f.dw[#f.dw + 1] = f.dw[key]
    end
    if not f.pw_of[n] then
      local st = pw_stage(tg, q.pwd, n * L.MW, L.bias, (not q.pair) and q.nr or nil, q.pair ~= nil)
      assert(st.nr == q.nr and st.wfloats == q.wfloats and (st.pair ~= nil) == (q.pair ~= nil),
        "fused projection packs differently")
      f.pw_of[n] = st
      f.pw[#f.pw + 1] = n
    end
    return f.dw[key]
  end
  for ri, rc in ipairs(d.rows) do
    local n = rc.v1 - rc.v0
    local nb = floor(n / B)
    if n <= B then
      f.bands[#f.bands + 1] = { start = rc.v0, n = n, dw = variant(ri, rc, n) }
    else
      f.bands[#f.bands + 1] = { start = rc.v0, n = B, loop = nb, dw = variant(ri, rc, B) }
      if n - nb * B > 0 then
        f.bands[#f.bands + 1] = { start = rc.v0 + nb * B, n = n - nb * B, dw = variant(ri, rc, n - nb * B) }
      end
    end
  end
  local reason = string.format("fused%s: bands of %d output row%s (%d KiB of depthwise output, %d pixels per " ..
    "projection) instead of a %d KiB intermediate", fuse == "always" and " (--fuse always)" or "", B,
    B == 1 and "" or "s", util.ceil_div(B * row_bytes, 1024), B * L.MW, util.ceil_div(mid_bytes, 1024))
  return f, reason .. M.band_prefetch(tg, L, f)
end

-- Next-band input prefetch of a fused layer.  A layer input larger than
-- the L2 planned for a depthwise stage (tg.dw_l2; MobileNet v2 s2_1: 4.6
-- MiB) is read from L3 or DRAM by the depthwise part of each band, at the
-- rate that stage consumes it, while the projection part (FMA-bound) reads
-- nothing from memory.  So each band's
-- projection prefetches into L2 the input rows the next band will read
-- first (the band's rows times the stride, after the last row this band
-- reads): `per` 64-byte lines at every input channel step of its full
-- register tiles until they are covered, with one running offset (the
-- order of the tiles does not matter).  A line every 2-16 steps, issued
-- from an outer loop over chunks of steps as the weight prefetch does,
-- measured 9-10% slower on MobileNet v1 b1 (32 input channels): the
-- chunked loop costs the 28-accumulator tile its registers.  Measured with
-- tests/bench/ab.sh on avx512, cold (AB_COLD=1): MobileNet v2 s1_1 -28%,
-- s2_1 -16%, s2_2 -9%, MobileNet v1 b1 -15%; warm 1.5-9% faster (s2_2,
-- b1, s1_1, s2_1); avx2 s1_1 -19%.
-- emit.lua passes each call the rows as float offsets into the input
-- (b.pf: f0, f1 for one band; c0, c1 and the clip in a loop of bands), the
-- projection's bpf_at and bpf_end.  Sets st.inpf on each band projection;
-- returns text for the fusion reason.
function M.band_prefetch(tg, L, f)
  if not (tg.simd and tg.prefetch) or 4 * L.H * L.W * L.C <= tg.dw_l2 then return "" end
  local s
  for _, n in ipairs(f.pw) do
    local st = f.pw_of[n]
    -- full register tiles of full panels (pixel pairs: one panel); tiles
    -- with a weight prefetch (panels outer, 24-32 KiB of weights) keep that
    local tiles = st.mode == "dense" and st.simd and not st.prefetch and floor(st.pfull / st.mr) * st.npanels or 0
    local steps = tiles * (st.pair and st.pair.k16 or st.S)
    local lines = util.ceil_div(n * L.sh * L.W * L.C, 16)
    if steps > 0 then
      st.inpf = { per = min(8, util.ceil_div(lines, steps)), lines = lines, steps = steps }
      if not s or lines > s.lines then s = st.inpf end
    end
  end
  if not s then return "" end
  -- per band: the rows after the last one band y reads (y * sh + c), as
  -- many as it advances, clipped to the input; offsets in floats.  In a
  -- loop of bands only the last can run past the input (the loop covers
  -- an interior row class); its end is then clipped by a conditional in
  -- the loop (`clip`).  Peeling that band out of the loop instead calls its
  -- depthwise and projection functions twice, so gcc no longer inlines
  -- them as functions called once: MobileNet v2 s2_1 measured 2-4% slower
  -- that way (tests/bench/ab.sh, warm, 5 of 6 alternating runs).
  local rowf, H = L.W * L.C, L.H
  for _, b in ipairs(f.bands) do
    if f.pw_of[b.n].inpf then
      local c = (b.n - 1) * L.sh - L.pt + (L.kh - 1) * L.dh + 1
      local adv = b.n * L.sh
      if b.loop then
        local last = b.start + (b.loop - 1) * b.n
        b.pf = { dy = L.sh * rowf, c0 = c * rowf, c1 = (c + adv) * rowf,
                 clip = last * L.sh + c + adv > H and H * rowf or nil }
      else
        local r0 = b.start * L.sh + c
        b.pf = r0 < H and { f0 = r0 * rowf, f1 = min(r0 + adv, H) * rowf } or { f0 = 0, f1 = 0 }
      end
    end
  end
  local kib = util.ceil_div(64 * s.lines, 1024)
  return string.format("; each band's projection prefetches into L2 the %d KiB of input rows the next band " ..
    "reads first (the %d KiB input does not stay in L2), %d 64-byte line%s per input channel step of its " ..
    "full tiles (%d steps)", kib, util.ceil_div(4 * L.H * L.W * L.C, 1024), s.per, s.per == 1 and "" or "s",
    s.steps)
end

-- Plans one validated layer for target `tname`.
function M.layer(L, tname, fuse)
  local tg = targets[tname] or targets.scalar
  local p = { L = L, target = tg.name, stages = {} }
  p.macs, p.params, p.std_macs = cost(L)
  local scratch = 0
  local function add_stage(st, src, dst)
    st.src, st.dst = src, dst
    p.stages[#p.stages + 1] = st
    return st
  end
  local function spatial_geom(kind, H, W, C, OH, OW, kh, kw, sh, sw, dh, dw, pads, mult, bias)
    return { H = H, W = W, C = C, OH = OH, OW = OW, kh = kh, kw = kw, sh = sh, sw = sw,
             dh = dh, dw = dw, pt = pads[1], pl = pads[2], pb = pads[3], pr = pads[4],
             mult = mult, bias = bias, gkind = kind }
  end
  local op = L.op
  local dwpads = { L.pt, L.pl, L.pb, L.pr }
  if op == "dwconv" then
    add_stage(spatial_stage(tg, "conv", spatial_geom("conv", L.H, L.W, L.C, L.OH, L.OW, L.kh, L.kw,
      L.sh, L.sw, L.dh, L.dw, dwpads, L.mult, L.bias)), { "in" }, { "out" })
  elseif op == "dwdeconv" then
    add_stage(spatial_stage(tg, "deconv", spatial_geom("deconv", L.H, L.W, L.C, L.OH, L.OW, L.kh,
      L.kw, L.sh, L.sw, L.dh, L.dw, dwpads, 1, L.bias)), { "in" }, { "out" })
  elseif op == "pwconv" then
    add_stage(pw_stage(tg, L.pw, L.H * L.W, L.bias), { "in" }, { "out" })
  elseif op == "separable" then
    local mid = L.MH * L.MW * L.MC
    local d = add_stage(spatial_stage(tg, "conv", spatial_geom("conv", L.H, L.W, L.C, L.MH, L.MW,
      L.kh, L.kw, L.sh, L.sw, L.dh, L.dw, dwpads, L.mult, L.bias)), { "in" }, { "scratch", 0 })
    d.act = L.dw_act
    -- An intermediate whose pixels lie a multiple of 4 KiB apart (1024
    -- channels) would put all of a projection tile's input rows in one L1
    -- set, forcing short tiles (M.rows_conflict): the depthwise stage
    -- writes it padded by one 64-byte line per pixel instead, so the
    -- projection keeps its tallest tile (targets with tg.pad_rows; dense
    -- projections; the scalar and SIMD depthwise templates both write at
    -- d.ostride)
    local pwd, rows = L.pw, 0
    for _, c in ipairs(tg.pw_tiles or {}) do rows = max(rows, min(c[1], L.MH * L.MW)) end
    if tg.pad_rows and not L.pw.topo and M.rows_conflict(L.MC, rows) then
      pwd = util.copy(L.pw)
      pwd.istride = L.MC + 16
      d.ostride = pwd.istride
      mid = L.MH * L.MW * pwd.istride
    end
    local q = add_stage(pw_stage(tg, pwd, L.MH * L.MW, L.bias), { "scratch", 0 }, { "out" })
    q.pwd = pwd
    scratch = mid
    p.fused, p.fusion_reason = M.fusion(tg, L, d, q, fuse or "auto")
    if p.fused then
      scratch = p.fused.band_floats
      -- bands of one row have no row pairs (--fuse always; auto refuses them)
      if p.fused.B < 2 then d.pairs = nil end
    end
  else -- bottleneck
    local a = L.MH * L.MW * L.C
    local b = L.MH * L.MW * L.OC
    local d = add_stage(spatial_stage(tg, "conv", spatial_geom("conv", L.H, L.W, L.C, L.MH, L.MW,
      L.kh, L.kw, L.sh, L.sw, 1, 1, dwpads, 1, L.bias)), { "in" }, { "scratch", 0 })
    d.act = L.dw_act
    local q = add_stage(pw_stage(tg, L.pw, L.MH * L.MW, L.bias), { "scratch", 0 }, { "scratch", a })
    q.act = L.mid_act
    local up = L.up
    add_stage(spatial_stage(tg, "deconv", spatial_geom("deconv", L.MH, L.MW, L.OC, L.OH, L.OW,
      up.kh, up.kw, L.sh, L.sw, 1, 1, { up.pt, up.pl, up.pb, up.pr }, 1, L.bias)),
      { "scratch", a }, { "out" })
    scratch = a + b
  end
  -- the last stage applies the layer's activation and residual
  local last = p.stages[#p.stages]
  last.act = L.act
  if L.residual == "self" then last.res = "in" elseif L.residual == "named" then last.res = "skip" end
  -- packed offsets and staging scratch
  local off = 0
  for _, st in ipairs(p.stages) do
    st.woff = off
    off = off + st.wfloats
    if st.staged_floats and st.staged_floats > 0 then
      st.stage_off = scratch
      scratch = scratch + st.staged_floats
    end
  end
  if p.fused then
    local q = p.stages[2]
    for _, n in ipairs(p.fused.pw) do
      local st = p.fused.pw_of[n]
      st.act, st.res, st.woff = q.act, q.res, q.woff
    end
  end
  p.packed_floats = off
  p.scratch_floats = scratch
  return p
end

-- Plans a whole validated net.
function M.net(net, tname, fuse)
  local r = { net = net, target = tname, layers = {} }
  local tm, tp, ts = 0, 0, 0
  for i, L in ipairs(net.layers) do
    local p = M.layer(L, tname, fuse)
    r.layers[i] = p
    tm, tp, ts = tm + p.macs, tp + p.params, ts + p.std_macs
  end
  r.macs, r.params, r.std_macs = tm, tp, ts
  return r
end

return M
