-- plan_pw.lua - the decisions of a projection stage (1x1, dense, grouped or
-- topological), one function per step.  Each step reads the target and the
-- fields earlier steps set, and returns the fields it decides; plan.lua
-- runs them in order and checks every field against the schema at its top.
-- Numbers only: the sentences are explain.lua's.
local util = require("util")
local targets = require("targets")

local M = {}

local floor, max, min = math.floor, math.max, math.min

---------------------------------------------------------------- topology

-- Source channels of every output channel (README topology), increasing order.
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
  local function same(a, b)
    for s = 1, S do if a[s] ~= b[s] then return false end end
    return true
  end
  local blocks = {}
  local o = 1
  while o <= cout do
    local l = srcs[o]
    for s = 2, S do if l[s] ~= l[1] + s - 1 then return nil end end
    local e = o
    -- the next output joins the block when it reads the same channels (the
    -- same first channel is not enough: {0, 1, 2} then {0, 2, 3})
    while e + 1 <= cout and same(srcs[e + 1], l) do e = e + 1 end
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
-- bytes is a multiple of a large power of two they share L1 sets, and more
-- rows than the L1 holds per set evict each other on every step
-- (docs/design.md#padded-1024-channel-intermediates).  True when `rows`
-- such rows would.
function M.rows_conflict(tg, stride, rows)
  local lb = tg.line_bytes
  local line_stride = (4 * stride) % lb == 0 and util.idiv(4 * stride, lb) or 1
  local set_step = util.gcd(line_stride, tg.l1_sets)
  return util.ceil_div(rows * set_step, tg.l1_sets) > tg.l1_ways
end

---------------------------------------------------------------- steps

-- topology: the structure of the projection's connections.  A dense
-- projection is one GEMM; a topology whose outputs form equal contiguous
-- blocks over contiguous inputs runs as a grouped GEMM; one whose outputs
-- come in equal runs sharing a source list can run as a dense GEMM per run
-- ("classes", SIMD targets); anything else gathers its sources per output.
function M.topology(tg, st)
  local pw = st.pw
  if not pw.topo then
    return { topo = { kind = "dense", G = 1, cout_g = pw.cout, in_step = 0 } }
  end
  local srcs = M.topology_sources(pw.topo, pw.cout)
  local gr = as_groups(srcs, pw.cout, pw.S)
  if gr then
    return { topo = { kind = "groups", G = gr.G, cout_g = gr.cout_g, in_step = gr.in_step } }
  end
  local cl = tg.simd and as_classes(srcs, pw.cout, pw.S)
  if cl then
    return { topo = { kind = "classes", G = #cl, cout_g = cl[1].n, in_step = 0, runs = cl, srcs = srcs } }
  end
  return { topo = { kind = "gather", G = 1, cout_g = pw.cout, in_step = 0, srcs = srcs } }
end

-- The estimated cycles of one tile step (one input channel): the most of
-- its FMAs / 2, its loads / 2 and 4 cycles of FMA latency.
local function step_cycles(rows, vecs)
  return max(rows * vecs / 2, (rows + vecs) / 2, 4)
end

-- register_tile: on SIMD targets, the candidate (pixels x vectors) of
-- tg.pw_tiles with the fewest estimated cycles per input channel over the
-- whole layer, tails included (a pixel tail costs its own rows, a channel
-- tail its own vectors, or scalar FMAs without masks); ties go to the
-- earlier, more load-efficient shape.  Tiles whose input rows would share
-- L1 sets (rows_conflict) compete only when nothing else fits.  A layer
-- whose outputs per group are fewer than a vector on a target without
-- masks gets that tile as scalar code ("no_vectors"); gathered sources and
-- the scalar target take the scalar target's tile.
-- tile: { kind = "simd" | "no_vectors" | "gather" | "scalar", rows, nr
-- (outputs, at most the group's), cout_g (the group size it was chosen
-- for), cost, vecs, cands = { { rows, vecs, cost } for every candidate that
-- fits } }
function M.register_tile(tg, st)
  local t = st.topo
  if not tg.simd or t.kind == "gather" then
    local s = targets.scalar
    return { tile = { kind = tg.simd and "gather" or "scalar", rows = s.pw_mr, nr = min(s.pw_nr, t.cout_g),
                      cout_g = t.cout_g }, simd = false }
  end
  local VW, P, cout_g = tg.vw, st.P, t.cout_g
  local force_nr = st.force_nr
  local best, bestc
  local cands = {}
  for pass = 1, 2 do
    for _, c in ipairs(tg.pw_tiles) do
      local cmr, cnv = min(c[1], P), c[2]
      local cnr = cnv * VW
      local fits = cnv == 1 or cnr <= util.ceil_div(cout_g, VW) * VW
      if force_nr then fits = min(cnr, cout_g) == force_nr end
      if pass == 1 and M.rows_conflict(tg, st.istride, cmr) then fits = false end
      if fits then
        local nre = min(cnr, cout_g)
        local nv, np = util.ceil_div(nre, VW), floor(cout_g / nre)
        local tc = cout_g - np * nre
        local fp, tr = floor(P / cmr), P % cmr
        local function panel(rows)
          local cyc = np * step_cycles(rows, nv)
          if tc > 0 then
            cyc = cyc + ((tg.masked or tc % VW == 0) and step_cycles(rows, util.ceil_div(tc, VW)) or rows * tc / 2)
          end
          return cyc
        end
        local cost = fp * panel(cmr) + (tr > 0 and panel(tr) or 0)
        if not tg.masked and nre % VW ~= 0 then cost = P * cout_g / 2 end   -- scalar code
        cands[#cands + 1] = { c[1], c[2], cost }
        if not bestc or cost < bestc - 1e-9 then best, bestc = c, cost end
      end
    end
    if best then break end
  end
  local nr = min(best[2] * VW, cout_g)
  local vector = tg.masked or nr % VW == 0
  return { tile = { kind = vector and "simd" or "no_vectors", rows = best[1], vecs = best[2], nr = nr,
                    cout_g = cout_g, cost = bestc, cands = cands },
           simd = vector }
end

-- pixel_pairs (tg.pair_tile): with cout an odd number of half vectors (24
-- on AVX-512), a pixel-major tile wastes the last vector's upper half.  A
-- vector of the pair tile holds VW/2 output channels of two pixels, lanes
-- alternating (p0, p1); the tile repacks its pixels' inputs so each double
-- in a stack buffer holds one input channel of both pixels, read by one
-- 64-bit broadcast, and de-interleaves the accumulators once at the end.
-- Its cost: the FMA step of R pairs x nv vectors over the input channels
-- padded to whole vectors, plus about one cycle per pixel and 16 channels
-- for the repack.  R shrinks so the stack buffer stays within
-- tg.pair_stack; at least tg.pair_rmin pairs and at most tg.pair_wmax bytes
-- of doubled weights (measured limits: docs/design.md#pixel-pairs).
-- pair: { R, nv, k16, wfloats, cost } or nothing.
function M.pixel_pairs(tg, st)
  local t = st.tile
  if not (tg.pair_tile and st.topo.kind == "dense" and st.force_pair ~= false and t.kind == "simd") then
    return {}
  end
  local VW, cout_g, cin, P = tg.vw, t.cout_g, st.cin, st.P
  assert(VW == 16, "pair tiles are written for 16-float vectors")
  local half = util.idiv(VW, 2)
  local nv = util.idiv(cout_g, half)
  local k16 = util.ceil_div(cin, VW) * VW
  local R = min(tg.pair_rmax, floor((tg.regs - 1 - nv) / max(nv, 1)), floor(tg.pair_stack / (8 * k16)))
  local wfloats = ((st.bias and 1 or 0) + k16) * 2 * cout_g   -- every weight twice
  if cout_g % VW == 0 or cout_g % half ~= 0 or R < tg.pair_rmin or
     not (st.force_pair or 4 * wfloats <= tg.pair_wmax) then
    return {}
  end
  local tiles = floor(P / (2 * R))
  local rem = P - tiles * 2 * R
  local pc = (tiles * step_cycles(R, nv) + (rem > 0 and step_cycles(util.ceil_div(rem, 2), nv) or 0)) * k16 / cin +
             P / 16 * k16 / cin
  if not (st.force_pair or pc < t.cost - 1e-9) then return {} end
  -- full tiles of 2R pixels, then a tail of `rem` pixels in tail_pairs
  -- pairs, the last one a single pixel when tail_single (read twice, stored
  -- once); input channels in whole vectors up to kfull, then the rest under
  -- a mask; each pair's nv accumulators split back into pixels two vectors
  -- at a time (vpairs), then the last half vector when nv is odd (vlast);
  -- slot: floats of the packed weights per input channel
  return { pair = { R = R, nv = nv, k16 = k16, wfloats = wfloats, cost = pc, full = tiles * 2 * R, rem = rem,
                    kfull = floor(cin / VW) * VW, tail_pairs = util.ceil_div(rem, 2), tail_single = rem % 2 == 1,
                    vpairs = floor(nv / 2), vlast = nv % 2 == 1, slot = 2 * cout_g } }
end

-- mode: how the code reads its sources.  The topology's structure, except
-- that classes without vector code read per output channel like a gather
-- (the scalar code indexes sources per output).
function M.mode(_, st)
  local t = st.topo
  if t.kind == "classes" and not st.simd then
    return { mode = "gather", G = 1, cout_g = st.pw.cout, in_step = 0, srcs = t.srcs }
  end
  return { mode = t.kind, G = t.G, cout_g = t.cout_g, in_step = t.in_step,
           srcs = t.kind == "gather" and t.srcs or nil, class_srcs = t.kind == "classes" and t.runs or nil }
end

-- panels: the tile (pairs: 2R pixels x every output) over the pixels and
-- the outputs of a group: full pixel tiles and a pixel tail, full channel
-- panels and a channel tail; panel widths padded to whole vectors in
-- vector code (the tail too where the target has masks).
function M.panels(tg, st)
  local mr, nr
  if st.pair then
    mr, nr = 2 * st.pair.R, st.cout_g
  else
    mr, nr = st.tile.rows, st.tile.nr
  end
  mr = min(mr, st.P)
  local r = { mr = mr, nr = nr, pfull = floor(st.P / mr) * mr }
  r.ptail = st.P - r.pfull
  r.npanels = floor(st.cout_g / nr)
  r.ntail = st.cout_g - r.npanels * nr
  r.nr_pad, r.ntail_pad, r.tail_vec = nr, r.ntail, false
  if st.simd then
    local VW = tg.vw
    r.nr_pad = util.ceil_div(nr, VW) * VW
    if tg.masked then r.ntail_pad, r.tail_vec = util.ceil_div(r.ntail, VW) * VW, true end
  end
  -- the two kinds of panel as the template writes them: outputs, packed
  -- width, first output; in vector code the vectors and the lanes of the
  -- last one that hold outputs
  r.panel = { n = nr, pad = r.nr_pad, o0 = 0 }
  r.tailp = { n = r.ntail, pad = r.ntail_pad, o0 = r.npanels * nr }
  for _, pn in ipairs({ r.panel, r.tailp }) do
    if st.simd and pn.n > 0 then
      pn.nv = util.ceil_div(pn.n, tg.vw)
      pn.lastn = pn.n - (pn.nv - 1) * tg.vw
    end
  end
  return r
end

-- packing: per group, per panel [bias nr_pad][S][nr_pad], the tail panel
-- likewise; pixel pairs: [bias 2*cout] then per padded input channel
-- [2*cout] (templates/pack.c.in).
function M.packing(_, st)
  local S = st.S
  local r = { panel_stride = (st.bias and st.nr_pad or 0) + S * st.nr_pad,
              tail_stride = (st.bias and st.ntail_pad or 0) + S * st.ntail_pad }
  r.tail_woff = st.npanels * r.panel_stride
  r.group_stride = r.tail_woff + r.tail_stride
  r.wfloats = st.pair and st.pair.wfloats or st.G * r.group_stride
  return r
end

-- loop_order: with every weight of the layer in L1 (tg.pw_wl1), a pixel
-- tile's inputs stay in L1 across all panels (pixel tiles outer);
-- otherwise one panel's weights stay in L1/L2 while the pixels stream past.
-- Scalar code keeps pixel tiles outer.
function M.loop_order(tg, st)
  return { pixel_outer = 4 * st.wfloats <= tg.pw_wl1 or not st.simd }
end

-- blocking: with panels outer, a block of inputs (about tg.pw_block bytes)
-- stays in L2 while every panel passes over it.  nloop blocks of pblock
-- pixels run in a loop; the last block takes the remaining full tiles and
-- the pixel tail, so no panel is read twice for it.
function M.blocking(tg, st)
  local pblock = st.pfull
  if not st.pixel_outer and st.pfull > 0 then
    local rows = max(1, floor(tg.pw_block / (4 * st.cin * st.mr)))
    pblock = min(st.pfull, rows * st.mr)
  end
  local nloop = st.pfull > 0 and max(floor(st.pfull / pblock) - 1, 0) or 0
  return { pblock = pblock, nloop = nloop, last_p0 = nloop * pblock }
end

-- prefetch, x86 SIMD targets (tg.prefetch):
-- Weights: with panels outer, the first pixel tile of a panel reads its
-- weights from L3 or DRAM at the tile's full rate, then the other tiles
-- read them from L2.  The full tiles therefore also prefetch the next
-- panel into L2, spread over all the tiles of the smallest block: one line
-- every `every` input channels (a power of two <= 16 dividing S), the
-- sparsest rate that still covers the panel; the template issues it from
-- an outer loop over chunks of `every` channels, so the inner loop carries
-- no test (docs/design.md#prefetch).
-- Next band's input (fused layers, st.band_lines > 0 lines to cover): the
-- full register tiles of dense stages (pairs included) without a weight
-- prefetch issue `per` lines at every input channel step until they are
-- covered; at most 8 a step.
function M.prefetch(tg, st)
  local r = {}
  if not (st.simd and tg.prefetch) then return r end
  local lf = util.idiv(tg.line_bytes, 4)
  if not st.pixel_outer and not st.pair and st.pfull > 0 and (st.npanels > 1 or st.ntail > 0) then
    local last = st.pfull - st.nloop * st.pblock
    local tiles = floor((st.nloop > 0 and min(st.pblock, last) or last) / st.mr)
    local lines = util.ceil_div(max(st.panel_stride, st.tail_stride), lf)
    local every = 1
    while every < 16 and 2 * every * lines <= tiles * st.S and st.S % (2 * every) == 0 do every = 2 * every end
    -- scale: floats of weights per step of the line index (lines are
    -- issued once per chunk of `every` input channels)
    r.prefetch = { every = every, tiles = tiles, lines = lines, scale = util.idiv(lf, every),
                   tail_floats = st.ntail > 0 and st.tail_stride or 0 }
  end
  if st.band_lines then
    local tiles = st.mode == "dense" and not r.prefetch and floor(st.pfull / st.mr) * st.npanels or 0
    local steps = tiles * (st.pair and st.pair.k16 or st.S)
    if steps > 0 then
      r.inpf = { per = min(8, util.ceil_div(st.band_lines, steps)), lines = st.band_lines, steps = steps }
    end
  end
  return r
end

return M
