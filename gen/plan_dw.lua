-- plan_dw.lua - the decisions of a depthwise stage (forward or transposed),
-- one function per step.  Each step reads the target and the fields earlier
-- steps set, and returns the fields it decides; plan.lua runs them in order
-- and checks every field against the schema at its top.  Numbers only: the
-- sentences are explain.lua's.
local util = require("util")
local axes = require("axes")
local targets = require("targets")

local M = {}

local floor, max, min = math.floor, math.max, math.min

-- borders: output rows and columns as classes that read the same taps.  An
-- unrolled region per (row class, column class) pair resolves the padding
-- at generation time; when that would take more than the target's budget of
-- C lines, the input is copied into a zero-padded scratch image instead, so
-- that one class per phase covers every output.
function M.borders(tg, st)
  local kind = st.deconv and "deconv" or "conv"
  local rows = axes.classes(kind, st.OH, st.kh, st.sh, st.dh, st.pt, 0, st.H - 1)
  local cols = axes.classes(kind, st.OW, st.kw, st.sw, st.dw, st.pl, 0, st.W - 1)
  -- generated lines, estimated before the channel tiles are chosen: every
  -- region repeats its taps (and ~12 lines of set-up and store) once per
  -- kind of channel tile (one, or two with a tail); a multiplier makes taps
  -- 4 lines
  -- the scalar target's one-channel tiles (dw_vec, multiplier up to 4) have
  -- no channel tail.  Like the SIMD targets' estimate it counts a tap once,
  -- not once per pixel of the tile: on scalar a 5x5 layer stays unrolled
  -- (about 10 KB of Cortex-M code, no scratch) rather than staging a
  -- padded copy of its input in RAM, which microcontrollers have less of;
  -- --optimize size stages it
  local ch = max(1, floor((tg.ch_acc or tg.dw_acc) / st.mult))
  local ntiles = ((tg.dw_vec and st.mult <= 4) or st.C % min(st.C, ch) == 0) and 1 or 2
  local per_tap = st.tap_lines or (st.mult > 1 and 4 or 1)
  local lines = (axes.count_taps(rows) * axes.count_taps(cols) * per_tap + 12 * #rows * #cols) * ntiles
  local full = (st.kh * st.kw * per_tap + 12) * ntiles
  local r = { border_lines = lines, border_budget = tg.border_budget, staged_floats = 0,
              top = 0, left = 0, in_w = st.W }
  if lines > tg.border_budget + full and not st.no_staging then
    local rlo, rhi = axes.read_range(kind, st.H, st.OH, st.kh, st.sh, st.dh, st.pt)
    local clo, chi = axes.read_range(kind, st.W, st.OW, st.kw, st.sw, st.dw, st.pl)
    r.staged = { top = -rlo, left = -clo, PH = rhi - rlo + 1, PW = chi - clo + 1 }
    rows = axes.classes(kind, st.OH, st.kh, st.sh, st.dh, st.pt, rlo, rhi)
    cols = axes.classes(kind, st.OW, st.kw, st.sw, st.dw, st.pl, clo, chi)
    r.staged_floats = r.staged.PH * r.staged.PW * st.C
    r.top, r.left, r.in_w = r.staged.top, r.staged.left, r.staged.PW
    r.stage_off = st.scratch_at
  end
  r.rows, r.cols = rows, cols
  r.regions = {}
  for _, rc in ipairs(rows) do
    for _, cc in ipairs(cols) do r.regions[#r.regions + 1] = { r = rc, c = cc } end
  end
  return r
end

-- Scalar channel tiles: as many channels as fill tg.dw_acc accumulators
-- (templates/scalar/dw_tile.c.in: one output pixel a step).
local function scalar_tiles(tg, C, mult)
  local acc = tg.ch_acc or tg.dw_acc
  local ct = mult >= acc and 1 or max(1, floor(acc / mult))
  ct = min(ct, C)
  local nfull = floor(C / ct)
  local tail = C - nfull * ct
  local tiles = {}
  if nfull > 0 then tiles[#tiles + 1] = { c0 = 0, count = nfull, ct = ct, nacc = ct * mult } end
  if tail > 0 then tiles[#tiles + 1] = { c0 = nfull * ct, count = 1, ct = tail, nacc = tail * mult } end
  for _, t in ipairs(tiles) do t.npad = t.nacc end
  return tiles, { ct = ct, nfull = nfull, tail = tail }
end

-- SIMD channel tiles.  Output channel c*mult+q reads input channel c, so a
-- tile of CT input channels makes CT*mult contiguous outputs.  With CT =
-- lcm(VW, mult)/mult every tile starts at the same phase of the multiplier,
-- so each of its nv = lcm/VW output vectors takes its inputs through one
-- constant permutation (a broadcast when all lanes read one channel).
-- Returns nil and the vector count when a tile would need more than 4.
local function simd_tiles(tg, C, mult)
  local VW = tg.vw
  local L = util.idiv(VW * mult, util.gcd(VW, mult))
  local ct, nv = util.idiv(L, mult), util.idiv(L, VW)
  if nv > 4 then return nil, { nv = nv } end
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
    -- lanes of the last vector that hold outputs
    t.lastn = t.nacc - (t.nv - 1) * VW
    -- per output vector: the input lane each output lane reads (needs_vin:
    -- some vector is a permutation of the tile's input vector, not a
    -- broadcast)
    t.perm = {}
    for v = 0, t.nv - 1 do
      local idx, same = {}, true
      for l = 0, VW - 1 do
        idx[l + 1] = floor((v * VW + l) / mult)
        if idx[l + 1] >= t.ct then idx[l + 1] = t.ct - 1 end
        if idx[l + 1] ~= idx[1] then same = false end
      end
      t.perm[v + 1] = { idx = idx, bcast = same and idx[1] or nil }
      if not same then t.needs_vin = true end
    end
  end
  local ur = min(tg.dw_ur, max(1, floor(tg.dw_acc / nv)))
  return tiles, { ct = ct, nv = nv, nfull = nfull, tail = tail, ur = ur }
end

M.scalar_tiles = scalar_tiles

-- tiles: channel tiles and output pixels per step.  SIMD targets, and the
-- scalar target with one-float vectors (tg.dw_vec), take vector tiles when
-- a tile's multiplier phase needs at most 4 vectors; otherwise the stage is
-- portable scalar code in channel tiles.
function M.tiles(tg, st)
  if tg.simd or tg.dw_vec then
    local tiles, why = simd_tiles(tg, st.C, st.mult)
    if tiles then
      return { ctiles = tiles, ur = why.ur, simd = true, isa = tg, tile_why = why }
    end
    local t2, w2 = scalar_tiles(targets.scalar, st.C, st.mult)
    w2.simd_nv = why.nv
    return { ctiles = t2, ur = 1, simd = false, tile_why = w2 }
  end
  local t, why = scalar_tiles(tg, st.C, st.mult)
  return { ctiles = t, ur = 1, simd = false, tile_why = why }
end

-- packing: per tile [bias npad][kh*kw taps][npad] (npad: nacc rounded up to
-- whole vectors, zero-filled), tiles in order.  The stage's tiles are the
-- channel tiles with their packed layout: bias_floats, stride (floats a
-- repeat of the tile) and woff (its first float).
function M.packing(_, st)
  local taps = st.kh * st.kw
  local off = 0
  local tiles = {}
  for i, ct in ipairs(st.ctiles) do
    local t = {}
    for k, v in pairs(ct) do t[k] = v end
    t.bias_floats = st.bias and t.npad or 0
    t.stride = t.bias_floats + taps * t.npad
    t.woff = off
    off = off + t.count * t.stride
    tiles[i] = t
  end
  return { tiles = tiles, wfloats = off }
end

-- passes: the order over the image.  When kh input rows of every channel
-- exceed the L1 share but the whole input sits in L2, the image is passed
-- once per block of channel tiles whose kh input rows fit L1, so each input
-- line comes from L2 once and the kh output rows that read it find it in
-- L1.  Inputs beyond L2 stream from memory in one pass (several passes
-- would each touch a fraction of every pixel's lines).  A block holds whole
-- divisors of the tile count and at least two cache lines of each pixel
-- (narrower blocks use a fraction of every line they fetch; the two-line
-- floor is a choice, not a measurement).
-- order.kind: "scalar" (scalar code), "tail" (a scalar channel tail: row
-- by row), "blocks" (cb tiles a pass), or one pass because the rows fit L1
-- ("l1"), the input exceeds L2 ("l2"), or no block is wide enough
-- ("narrow"; cb_max the widest dividing block, nil with one tile).
function M.passes(tg, st)
  local t1 = st.tiles[1]
  local rows_bytes = st.kh * st.in_w * st.C * 4
  local in_bytes = 4 * (st.staged and st.staged_floats or st.H * st.W * st.C)
  local all_vec = st.simd and t1.vec and (not st.tiles[2] or st.tiles[2].vec) or false
  local order = { rows_bytes = rows_bytes, in_bytes = in_bytes }
  local cb
  if st.simd and t1.count > 1 then
    cb = max(1, floor(tg.dw_l1 / (st.kh * st.in_w * t1.ct * 4)))
    while t1.count % cb ~= 0 do cb = cb - 1 end
  end
  if not st.simd or tg.dw_vec then
    order.kind = "scalar"
  elseif not all_vec then
    order.kind = "tail"
  elseif rows_bytes <= tg.dw_l1 then
    order.kind = "l1"
  elseif in_bytes > tg.dw_l2 then
    order.kind = "l2"
  elseif not cb or cb * t1.ct * 4 < 2 * tg.line_bytes then
    order.kind, order.cb_max = "narrow", cb
  else
    -- one pass per block of cb main tiles, then one for the tail tile
    order.kind = "blocks"
    order.passes = util.idiv(t1.count, cb) + (st.tiles[2] and 1 or 0)
    local passes = { { tiles = { t1 }, cb = cb, channels = cb * t1.ct } }
    if st.tiles[2] then passes[2] = { tiles = { st.tiles[2] } } end
    return { all_vec = all_vec, order = order, cb = cb, passes = passes }
  end
  -- one pass: every channel tile per pixel group
  return { all_vec = all_vec, order = order, passes = { { tiles = st.tiles } } }
end

-- How each region runs: its rows in pairs (`pairs`: how many pairs, 0
-- without row pairs) then one by one, and its columns in groups of ur
-- (`full`: the columns of whole groups, the rest after them).  One entry
-- per region, in order.
function M.runs(regions, ur, pairs)
  local runs = {}
  for k, rg in ipairs(regions) do
    local nrows, ncols = rg.r.v1 - rg.r.v0, rg.c.v1 - rg.c.v0
    runs[k] = { pairs = pairs and floor(nrows / 2) or 0, full = floor(ncols / ur) * ur }
  end
  return runs
end

-- pairs: two output rows per pixel group when twice the accumulators fit.
-- One-pass stages whose rows exceed L1 pair them so the input rows both
-- read come from L2 once (pairs_why "l2").  Passes over channel blocks at
-- stride 1 pair them for twice the independent FMA chains (pairs_why
-- "fma"); at stride 2 measured both ways (docs/design.md#row-pairs), so
-- stride-2 passes keep one row per group.
function M.pairs(tg, st)
  local o = st.order
  local why
  if (o.kind == "l1" or o.kind == "l2" or o.kind == "narrow") and o.rows_bytes > tg.dw_l1 then
    why = "l2"
  elseif st.cb and st.sh == 1 then
    why = "fma"
  end
  -- the scalar target (no caches on microcontrollers): pairs cut 10% of a
  -- depthwise layer's instructions on the emulated Cortex-M4 for 13% more
  -- code (measured on 16x16x32), and next to nothing in separable layers
  if tg.dw_vec then why = nil end
  local t1 = st.tiles[1]
  if why and 2 * st.ur * t1.nv <= tg.dw_acc then
    return { pairs = true, pairs_why = why, runs = M.runs(st.regions, st.ur, true) }
  end
  return { runs = M.runs(st.regions, st.ur, false) }
end

return M
