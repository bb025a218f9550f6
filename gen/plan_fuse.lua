-- plan_fuse.lua - fusion of a separable layer: whether the depthwise output
-- goes to a small band buffer that the projection consumes at once, so the
-- intermediate tensor never travels to memory; the bands; and the next
-- band's input prefetch.  Numbers only: the sentences are explain.lua's;
-- the measurements behind the rules are in docs/design.md#fusion.
local util = require("util")
local plan_dw = require("plan_dw")
local plan_par = require("plan_par")

local M = {}

local floor, max, min = math.floor, math.max, math.min

-- decide: the fusion decision for layer L with depthwise stage d and
-- projection stage q; fuse: "auto" (the rules below), "always" (whenever
-- the layer can be fused: tests, RAM-bound builds), "threads" (the same,
-- so that tasks share the bands) or "never".
-- Returns { kind, ... } with kind "staged" (the depthwise stage reads a
-- staged copy of its whole input), "never", "fits" (the intermediate stays
-- in the target's L2 share, or in at most tg.fuse_min of scratch on
-- scalar), "weights_l1" (every band would stream the projection's weights
-- again from L2), "one_row" (bands of one row, too short for the depthwise
-- stage's row pairs), "reread" (re-reading the weights costs more traffic
-- than the intermediate) or "fused" (with the band height B).
--
-- SIMD targets fuse to keep an intermediate larger than their L2 share
-- (tg.fuse_min) out of memory, and layers whose input streams from beyond
-- L2 (its next rows are then prefetched band by band), while the
-- projection's weights stay in L1 (tg.fuse_wmax).  Scalar code fuses to
-- save RAM.  A band holds about tg.band_l1 bytes of depthwise output and at
-- least tg.band_l1_tiles register tiles of pixels when the projection's
-- weights stay in L1 (pixel tiles outer), else about tg.band_l2 bytes and
-- tg.band_l2_tiles tiles, so each panel of weights brought into L1 serves
-- many pixel tiles; it grows to at most tg.band_max bytes to reach them.
function M.decide(tg, L, d, q, fuse, threads)
  local why_always = fuse == "threads" and "threads" or fuse == "always" and "fuse" or nil
  if why_always then fuse = "always" end
  local mid_bytes = 4 * L.MH * L.MW * L.MC
  local row_bytes = 4 * L.MW * L.MC
  local limit = tg.fuse_min
  if d.staged then return { kind = "staged" } end
  if fuse == "never" then return { kind = "never" } end
  local in_bytes = 4 * L.H * L.W * L.C
  local streamed = tg.simd and tg.prefetch and in_bytes > limit
  if fuse ~= "always" and mid_bytes <= limit and not streamed then
    return { kind = "fits", mid_bytes = mid_bytes, limit = limit, simd = tg.simd or false }
  elseif fuse ~= "always" and tg.simd and 4 * q.wfloats > tg.fuse_wmax then
    return { kind = "weights_l1", wbytes = 4 * q.wfloats, wmax = tg.fuse_wmax }
  end
  local target, tiles = tg.band_l2, tg.band_l2_tiles
  if q.pixel_outer then target, tiles = tg.band_l1, tg.band_l1_tiles end
  local B = max(1, floor(target / row_bytes))
  while B * L.MW < tiles * q.mr and B * row_bytes < tg.band_max do B = B + 1 end
  B = min(B, L.MH)
  -- threads: bands of at most plan_par.band_rows, of the height that shares
  -- the rows most evenly as the bands fall in the row classes
  -- (plan_par.class_rows)
  if why_always == "threads" then
    B = plan_par.class_rows(d.rows, L.MH, min(B, plan_par.band_rows(L.MH, threads)), threads)
  end
  -- a one-row band cannot compute the depthwise output rows in pairs, which
  -- measured faster unfused
  if fuse ~= "always" and B < 2 and d.pairs then
    return { kind = "one_row", row_bytes = row_bytes }
  end
  -- every band re-reads the projection's weights: worth it while they stay
  -- in L2 or cost less traffic than writing and re-reading the intermediate
  local wbytes = 4 * q.wfloats
  local nbands = util.ceil_div(L.MH, B)
  if fuse ~= "always" and wbytes > tg.fuse_wl2 and (nbands - 1) * wbytes >= 2 * mid_bytes then
    return { kind = "reread", nbands = nbands, wbytes = wbytes, mid_bytes = mid_bytes }
  end
  -- bands of one row compute no row pairs (--fuse always; auto refuses them)
  return { kind = "fused", always = why_always, B = B, row_bytes = row_bytes, pixels = B * L.MW,
           pairs = (d.pairs and B >= 2) or false,
           mid_bytes = mid_bytes, in_bytes = in_bytes,
           -- the next band's input is prefetched when the input does not stay in L2
           prefetch = (tg.simd and tg.prefetch and in_bytes > tg.dw_l2) or false }
end

-- The row class rc of a depthwise stage as a band of n rows starting at
-- the band's first row (the function argument y0): rows 0..n-1 of it.
local function band_rows(rc, n)
  return { v0 = 0, v1 = n, a = rc.a, b = rc.b, r = rc.r, taps = rc.taps, sig = rc.sig }
end

-- The row bands of depthwise stage d (B rows; pairs: the band variants
-- compute row pairs): bands follow d's row classes; inside a class of many
-- rows, a loop over bands of B rows plus one remainder band.  Every band
-- shape (row class, height) gets a variant of d built by build_dw(d, band
-- fields); on_height(n) is called once per band height.  Returns the bands
-- {start, n, loop, dw} and the variants.
function M.dw_bands(d, B, pairs, build_dw, on_height)
  local bands, variants, seen, heights = {}, {}, {}, {}
  local function variant(ri, rc, n)
    local key = ri .. ":" .. n
    if not seen[key] then
      -- d but for the band's rows; row pairs where the layer's bands have
      -- them and this band has two rows or more
      local fields = { band = { ri = ri, n = n }, regions = {} }
      if pairs and n >= 2 then fields.pairs, fields.pairs_why = true, d.pairs_why end
      local rows = band_rows(rc, n)
      for _, rg in ipairs(d.regions) do
        if rg.r == rc then fields.regions[#fields.regions + 1] = { r = rows, c = rg.c } end
      end
      fields.runs = plan_dw.runs(fields.regions, d.ur, fields.pairs)
      seen[key] = build_dw(d, fields)
      variants[#variants + 1] = seen[key]
    end
    if on_height and not heights[n] then
      heights[n] = true
      on_height(n)
    end
    return seen[key]
  end
  for ri, rc in ipairs(d.rows) do
    local n = rc.v1 - rc.v0
    local nb = floor(n / B)
    if n <= B then
      bands[#bands + 1] = { start = rc.v0, n = n, dw = variant(ri, rc, n) }
    else
      bands[#bands + 1] = { start = rc.v0, n = B, loop = nb, dw = variant(ri, rc, B) }
      if n - nb * B > 0 then
        bands[#bands + 1] = { start = rc.v0 + nb * B, n = n - nb * B, dw = variant(ri, rc, n - nb * B) }
      end
    end
  end
  return bands, variants
end

-- bands: the depthwise stage's bands (M.dw_bands), every band height with
-- a projection built by build_pw(n, band_lines), packed like q
-- (fused bands share the layer's packed projection).  With the prefetch,
-- each band's projection is given the input lines the next band reads
-- first (the band's rows times the stride), and each band those rows (pf:
-- r0, r1 for one band; step, c0, c1 (rows step * y + c) and the clip of
-- the loop's last band, which may run past the input, in a loop).
function M.bands(tg, L, d, dec, build_dw, build_pw)
  local B = dec.B
  local f = { B = B, pw = {}, pw_of = {}, band_floats = B * L.MW * (d.ostride or L.MC) }
  local lf = util.idiv(tg.line_bytes, 4)
  f.bands, f.dw = M.dw_bands(d, B, dec.pairs, build_dw, function(n)
    f.pw_of[n] = build_pw(n, dec.prefetch and util.ceil_div(n * L.sh * L.W * L.C, lf) or nil)
    f.pw[#f.pw + 1] = n
  end)
  -- the projection whose prefetch covers the most lines (for the reason)
  for _, n in ipairs(f.pw) do
    local st = f.pw_of[n]
    if st.inpf and (not f.prefetch or st.inpf.lines > f.prefetch.lines) then f.prefetch = st.inpf end
  end
  -- per band: the input rows after the last one band y reads (y * sh + c),
  -- as many as it advances, clipped to the input (row: floats of an input
  -- row).  In a loop of bands only the last can run past the input (the
  -- loop covers an interior row class); its end is then clipped by a
  -- conditional in the loop (`clip`, the input's rows): peeling that band
  -- out of the loop instead calls its functions twice, and gcc no longer
  -- inlines them (docs/design.md#prefetch).
  local rowf, H = L.W * L.C, L.H
  for _, b in ipairs(f.bands) do
    if f.pw_of[b.n].inpf then
      local c = (b.n - 1) * L.sh - L.pt + (L.kh - 1) * L.dh + 1
      local adv = b.n * L.sh
      if b.loop then
        local last = b.start + (b.loop - 1) * b.n
        b.pf = { row = rowf, step = L.sh, c0 = c, c1 = c + adv, clip = last * L.sh + c + adv > H and H or nil }
      else
        local r0 = b.start * L.sh + c
        b.pf = r0 < H and { row = rowf, r0 = r0, r1 = min(r0 + adv, H) } or { row = rowf, r0 = 0, r1 = 0 }
      end
    end
  end
  return f
end

return M
