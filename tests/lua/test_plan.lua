-- test_plan.lua - the plan's loop-order and fusion decisions (gen/plan*.lua):
-- which layers get depthwise channel-block passes, which separable layers
-- are fused under --fuse auto / always / never, and that the decisions say
-- why in their reason strings.
local H = require("harness")
local plan = require("plan")
local plan_pw = require("plan_pw")
local explain = require("explain")
local targets = require("targets")
local shapes = require("shapes")
local plan_par = require("plan_par")

local T = {}

-- a one-layer net: `fields` (Lua source) on an HxWxC input; returns the
-- layer's plan for target tname
local function one(tname, h, w, c, fields, fuse)
  local src = string.format("return { name = \"t\", input = { h = %d, w = %d, c = %d }, " ..
    "layers = { { name = \"l\", %s } } }", h, w, c, fields)
  local net, errs = shapes.load(src, "t.lua")
  H.ok(net, "shapes.load: " .. table.concat(errs or {}, "; "))
  return plan.net(net, tname, fuse).layers[1]
end

-- one separable layer (extra: more fields, e.g. { k = 5 })
local function sep(tname, h, w, c, cout, fuse, extra)
  local fields = { string.format("op = %q, cout = %d", "separable", cout) }
  for k, v in pairs(extra or {}) do fields[#fields + 1] = k .. " = " .. tostring(v) end
  table.sort(fields)
  return one(tname, h, w, c, table.concat(fields, ", "), fuse)
end

local function dw_stage(p) return p.stages[1] end

function T.channel_blocks_when_rows_exceed_l1_and_input_fits_l2()
  -- 14x14x512: 3 rows = 84 KiB > 24 KiB, input 392 KiB <= 512 KiB
  local st = dw_stage(sep("avx512", 14, 14, 512, 512))
  H.eq(st.cb, 8, "cb (8 tiles of 16 channels: 3 x 14 x 128 x 4 = 21 KiB)")
  H.contains(explain.dw_order(st), "4 passes over the 392 KiB input", "reason")
  -- avx2: 8-channel tiles, 16 per block
  H.eq(dw_stage(sep("avx2", 14, 14, 512, 512)).cb, 16, "avx2 cb")
end

-- one-pass stages, each with the cause its reason names
function T.one_pass_reasons()
  local cases = {
    { "avx512", 56, 56, 128, "op = \"separable\", cout = 128", "the 1568 KiB input exceeds the 512 KiB of L2" },
    { "avx512", 14, 14, 64, "op = \"separable\", cout = 64", "within the 24 KiB of L1" },
    -- 150 channels x multiplier 4: 37 tiles of 4 input channels (a prime),
    -- so the only dividing block is one tile, 16 bytes a pixel
    { "avx512", 14, 14, 150, "op = \"dwconv\", mult = 4", "less than two cache lines" },
    -- NEON tails are scalar code: no passes (they need vector tiles)
    { "neon", 13, 15, 531, "op = \"separable\", cout = 16", "the channel tail is scalar code" },
  }
  for _, c in ipairs(cases) do
    local st = one(c[1], c[2], c[3], c[4], c[5]).stages[1]
    local what = c[1] .. " " .. c[2] .. "x" .. c[3] .. "x" .. c[4] .. " " .. c[5]
    H.eq(st.cb, nil, what .. ": cb")
    H.contains(explain.dw_order(st), c[6], what .. ": reason")
  end
end

function T.blocks_divide_tiles_and_count_the_tail_pass()
  -- 531 channels on avx512: 33 full tiles + a 3-channel tail
  local st = dw_stage(sep("avx512", 13, 15, 531, 16))
  H.ok(st.cb and st.tiles[1].count % st.cb == 0, "cb divides 33: " .. tostring(st.cb))
  H.ok(st.tiles[2] and st.tiles[2].tail, "tail tile")
  H.contains(explain.dw_order(st), (H.idiv(st.tiles[1].count, st.cb) + 1) .. " passes over", "tail pass counted")
end

function T.passes_pair_rows_at_stride_1()
  local st = dw_stage(sep("avx512", 14, 14, 512, 512))
  H.ok(st.cb and st.pairs, "14x14x512: passes and row pairs")
  H.contains(explain.row_pairs(st), "twice the independent FMA chains", "reason")
  local s2 = dw_stage(sep("avx512", 14, 14, 512, 1024, nil, { stride = 2 }))
  H.ok(s2.cb, "stride 2: passes")
  H.eq(s2.pairs, nil, "stride 2: no row pairs")
end

function T.scalar_never_blocks()
  local st = dw_stage(sep("scalar", 14, 14, 512, 512))
  H.eq(st.cb, nil, "cb")
end

function T.fusion_auto_large_intermediate_small_weights()
  -- MobileNet v2 s1_1: 1568 KiB intermediate, 2 KiB of projection weights
  local p = sep("avx512", 112, 112, 32, 16)
  H.ok(p.fused, "fused")
  H.contains(explain.fusion(p), "fused: bands of", "reason")
end

function T.fusion_auto_weights_beyond_l1()
  -- MobileNet v1 b3: 1568 KiB intermediate but 65 KiB of weights
  local p = sep("avx512", 56, 56, 128, 128)
  H.eq(p.fused, nil, "fused")
  H.contains(explain.fusion(p), "65 KiB of weights exceed the 32 KiB a band may re-read from L1", "reason")
  -- MobileNet v2 s2_2: 28 KiB of pixel-pair weights, within AVX-512's 32 KiB:
  -- fused in 5-row bands of about 160 KiB (the weights are not below 24 KiB)
  local q = sep("avx512", 56, 56, 144, 24)
  H.ok(q.fused and q.fused.B == 5, "s2_2: fused in 5-row bands")
  -- AVX2 keeps 24 KiB: 56x56x100 -> 64 (26 KiB with the bias) is not fused there
  local r = sep("avx2", 56, 56, 100, 64)
  H.eq(r.fused, nil, "avx2, 26 KiB")
  H.contains(explain.fusion(r), "26 KiB of weights exceed the 24 KiB a band may re-read from L1", "avx2 reason")
end

function T.fusion_auto_fits_l2()
  local p = sep("avx512", 28, 28, 256, 32)   -- 784 KiB intermediate
  H.eq(p.fused, nil, "fused")
  H.contains(explain.fusion(p), "784 KiB intermediate stays in L2 (1024 KiB planned)", "reason")
  -- avx2 plans 512 KiB of L2: there a 784 KiB intermediate with 4 KiB of
  -- projection weights is fused (bands of 2 rows)
  local q = sep("avx2", 56, 56, 64, 16)
  H.ok(q.fused and q.fused.B >= 2, "avx2 fused")
end

function T.fusion_auto_not_in_one_row_bands_when_rows_pair()
  -- 56x56x144 -> 16: 32 KiB of depthwise output a row, so one-row bands,
  -- while unfused its depthwise stage computes output rows in pairs
  local p = sep("avx512", 56, 56, 144, 16)
  H.ok(p.stages[1].pairs, "depthwise rows in pairs")
  H.eq(p.fused, nil, "fused")
  H.contains(explain.fusion(p), "too short for the depthwise stage's output rows in pairs", "reason")
  H.ok(sep("avx512", 56, 56, 144, 16, "always").fused, "--fuse always still fuses it")
end

function T.fusion_auto_two_row_bands_at_stride_2()
  -- MobileNet v2 s2_1: the pair projection's 16-pixel tiles make the bands
  -- 2 rows (4 tiles of 56-pixel rows), so the row pairs work inside them
  local p = sep("avx512", 112, 112, 96, 24, nil, { stride = 2 })
  H.ok(p.stages[1].pairs, "depthwise rows in pairs")
  H.ok(p.fused and p.fused.B == 2, "fused in 2-row bands")
end

-- pixel-pair projection tiles: AVX-512 only, output counts that are an odd
-- number of half vectors, when their estimated cost is lower
function T.pixel_pair_tiles()
  local q = sep("avx512", 112, 112, 96, 24, "never", { stride = 2 }).stages[2]
  H.ok(q.pair, "24 outputs: pairs")
  H.eq(q.pair.R, 8, "8 pairs")
  H.eq(q.pair.nv, 3, "3 vectors")
  H.eq(q.wfloats, (1 + 96) * 48, "packed: bias + 96 channels x 48")
  H.contains(explain.pw_tile(q), "pixel pairs: 8 pairs x 3 vectors", "reason")
  H.contains(explain.pw_tile(q), "the best costs 3136.0 cycles per input channel, pairs 2548.0", "costs")
  local odd = sep("avx512", 23, 23, 57, 24, "never").stages[2]
  H.ok(odd.pair, "57 inputs, 24 outputs: pairs")
  H.eq(odd.pair.k16, 64, "57 input channels padded to 64")
  local w = sep("avx512", 40, 40, 48, 40, "never").stages[2]
  H.ok(w.pair, "40 outputs: pairs")
  H.eq(w.pair.R, 5, "5 vectors: 5 pairs (25 accumulators + 5 weights + 1 input)")
  -- 56 and 72 outputs leave room for 3 and 2 pairs: fewer than 4 (56 measured slower)
  H.eq(sep("avx512", 28, 28, 64, 56, "never").stages[2].pair, nil, "56 outputs: 3 pairs")
  H.eq(sep("avx512", 160, 160, 16, 72, "never").stages[2].pair, nil, "72 outputs: 2 pairs")
  -- doubled weights: 232 inputs -> 24 (46 KiB) pair, 512 -> 24 (97 KiB) beyond 80 KiB not
  H.ok(sep("avx512", 24, 24, 232, 24, "never").stages[2].pair, "46 KiB of pair weights")
  H.eq(sep("avx512", 28, 28, 512, 24, "never").stages[2].pair, nil, "97 KiB of pair weights")
  -- the 16 KiB stack buffer: 400 inputs -> 8 outputs take 5 pairs, not 8
  local s8 = sep("avx512", 20, 20, 400, 8, "never").stages[2]
  H.ok(s8.pair, "8 outputs: pairs")
  H.eq(s8.pair.R, 5, "R shrinks to 16 KiB / (8 x 400)")
  -- fused bands pack like the layer: every band's projection uses pairs
  for _, c in ipairs({ { 40, 48, 40 }, { 112, 32, 8 } }) do
    local f = sep("avx512", c[1], c[1], c[2], c[3], "always")
    H.ok(f.fused and f.stages[2].pair, c[3] .. " outputs: fused, pairs")
    for _, n in ipairs(f.fused.pw) do H.ok(f.fused.pw_of[n].pair, c[3] .. ": band of " .. n .. " rows: pairs") end
  end
  H.eq(sep("avx512", 56, 56, 96, 32, "never").stages[2].pair, nil, "32 outputs: whole vectors")
  H.eq(sep("avx2", 56, 56, 96, 24, "never").stages[2].pair, nil, "avx2: 24 outputs are 3 whole vectors")
  H.eq(sep("avx512", 56, 56, 96, 88, "never").stages[2].pair, nil, "88 outputs: 11 half vectors, too many")
end

function T.fusion_scalar_saves_ram()
  local p = sep("scalar", 56, 56, 128, 128)
  H.ok(p.fused, "scalar fused above 32 KiB")
  H.eq(sep("scalar", 8, 8, 64, 16).fused, nil, "scalar: 16 KiB intermediate not fused")
end

function T.fuse_always_and_never()
  local p = sep("avx512", 28, 28, 256, 256, "always")
  H.ok(p.fused, "always fuses")
  local q = sep("avx512", 112, 112, 32, 16, "never")
  H.eq(q.fused, nil, "never")
  H.contains(explain.fusion(q), "--fuse never", "reason")
  -- a staged depthwise input cannot be fused, even with always
  local r = sep("avx512", 23, 37, 90, 100, "always", { k = 5 })
  H.ok(r.stages[1].staged, "the 5x5 stage is staged")
  H.eq(r.fused, nil, "staged: not fused")
  H.contains(explain.fusion(r), "staged copy", "reason")
end

-- weight prefetch in panel-major projections: the next panel is spread over
-- the tiles of a block, at the sparsest power-of-two rate that still covers
-- it, only on x86 SIMD targets and only where panels are outer
function T.projection_prefetch_covers_the_next_panel()
  local function pw(tname, h, w, c, cout)
    local p = one(tname, h, w, c, string.format("op = \"pwconv\", cout = %d", cout))
    return p.stages[#p.stages]
  end
  -- 7x7x1024 -> 1024, AVX-512: 7 tiles x 1024 steps for 4100 lines: every step
  local a = pw("avx512", 7, 7, 1024, 1024)
  H.eq(a.prefetch and a.prefetch.every, 1, "avx512: a line every input channel")
  H.contains(explain.pw_tile(a), "one block of all 49 pixels (196 KiB of input) outer", "one block")
  H.contains(explain.pw_tile(a), "one 64-byte line every 1 input channel (spread over the 7 tiles", "reason")
  -- AVX2: 5x16 tiles, 9 tiles x 1024 steps for 1025 lines: every 8
  local b = pw("avx2", 7, 7, 1024, 1024)
  H.eq(b.prefetch and b.prefetch.every, 8, "avx2: a line every 8 input channels")
  -- the smallest block's tiles: 14x14x512 -> 512 runs blocks of 84 pixels
  -- (6 tiles) and a last block of 112; 56x56x128 -> 128 blocks of 378 (27)
  H.eq(pw("avx512", 14, 14, 512, 512).prefetch.tiles, 6, "14x14x512: 6 tiles")
  local c56 = pw("avx512", 56, 56, 128, 128).prefetch
  H.eq(c56.tiles, 27, "56x56x128: 27 tiles")
  H.eq(c56.every, 8, "56x56x128: 258 lines over 27 x 128 steps: every 8")
  -- for any stage: the rate covers the next panel, divides S, and is the
  -- sparsest power of two <= 16 that does
  for _, c in ipairs({ { "avx512", 14, 14, 512, 512 }, { "avx512", 56, 56, 128, 128 },
                       { "avx2", 28, 28, 256, 256 }, { "avx512", 15, 15, 120, 200 },
                       { "avx2", 23, 23, 100, 77 }, { "avx512", 17, 17, 1000, 72 } }) do
    local st = pw(c[1], c[2], c[3], c[4], c[5])
    local what = table.concat(c, " ")
    H.ok(st.prefetch, what .. ": prefetch")
    local e, tiles, lines = st.prefetch.every, st.prefetch.tiles, st.prefetch.lines
    H.eq(lines, math.ceil(math.max(st.panel_stride, st.tail_stride) / 16), what .. ": lines of a panel")
    H.ok(e * lines <= tiles * st.S, what .. ": covers the panel")
    H.eq(st.S % e, 0, what .. ": divides S")
    H.ok(e == 16 or 2 * e * lines > tiles * st.S or st.S % (2 * e) ~= 0, what .. ": the sparsest")
  end
  -- none where the weights stay in L1 (pixel tiles outer), on NEON, scalar,
  -- or pixel-pair tiles
  H.eq(pw("avx512", 28, 28, 32, 64).prefetch, nil, "8 KiB of weights: pixel tiles outer")
  H.eq(pw("neon", 7, 7, 1024, 1024).prefetch, nil, "neon")
  H.eq(pw("scalar", 7, 7, 1024, 1024).prefetch, nil, "scalar")
  H.eq(sep("avx512", 56, 56, 144, 24, "never").stages[2].prefetch, nil, "pair tiles")
end

-- next-band input prefetch in fused layers (plan_fuse.bands): only on
-- x86 SIMD targets and only for inputs beyond the 512 KiB of L2 planned
-- for a depthwise stage; the rows after the last one a band reads, as many
-- as the band advances, clipped to the input; enough lines per step of the
-- band projection's full tiles to cover them
function T.fused_bands_prefetch_the_next_bands_input()
  -- MobileNet v2 s2_1: 112x112x96, stride 2, 24 outputs (pair tiles):
  -- bands of 2 output rows read 4 new input rows = 2688 lines over 7 pair
  -- tiles x 96 steps: 4 lines a step
  local p = sep("avx512", 112, 112, 96, 24, "auto", { stride = 2 })
  H.ok(p.fused, "s2_1 fused")
  local q = p.fused.pw_of[2]
  H.ok(q.pair and q.inpf, "pair tile with input prefetch")
  H.eq(q.inpf.lines, 2688, "4 rows x 112 x 96 floats / 16")
  H.eq(q.inpf.steps, 7 * 96, "7 pair tiles x 96 steps")
  H.eq(q.inpf.per, 4, "4 lines per step")
  H.contains(explain.fusion(p), "prefetches into L2 the 168 KiB of input rows the next band reads first " ..
    "(the 4704 KiB input does not stay in L2), 4 64-byte lines per input channel step", "reason")
  -- the band loop's offsets: band y (output rows y, y + 1) reads input
  -- rows up to 2y + 4 (pad top 0 on the even-sized input), so the next
  -- rows are 2y + 5 .. 2y + 8 (112 x 96 = 10752 floats a row); the loop's
  -- last band (y = 52, next rows 109..112) runs past the input: clipped
  local loop
  for _, b in ipairs(p.fused.bands) do if b.loop then loop = b end end
  H.eq(loop.start + (loop.loop - 1) * loop.n, 52, "the loop's last band")
  H.eq(loop.pf.row, 10752, "floats of an input row")
  H.eq(loop.pf.step, 2, "y step: 2 input rows a band row")
  H.eq(loop.pf.c0, 5, "first row after band y: 2y + 5")
  H.eq(loop.pf.c1, 9, "end: 4 rows later")
  H.eq(loop.pf.clip, 112, "the last band's rows run past the input")
  -- every band's range lies in the input; a loop without clip stays in it
  for _, b in ipairs(p.fused.bands) do
    if b.pf and not b.loop then H.ok(b.pf.r0 <= b.pf.r1 and b.pf.r1 <= 112, "band range in the input") end
    if b.loop and not b.pf.clip then
      H.ok((b.start + (b.loop - 1) * b.n) * b.pf.step + b.pf.c1 <= 112, "loop ranges in the input")
    end
  end
  -- an input beyond the L2 share is fused even when the intermediate fits
  -- L2 (MobileNet v2 s3_1: 1764 KiB in, 441 KiB intermediate), on targets
  -- with a prefetch only; a 588 KiB input (s3_2) is not
  local s31 = sep("avx512", 56, 56, 144, 32, "auto", { stride = 2 })
  H.ok(s31.fused and s31.fused.pw_of[s31.fused.B].inpf, "s3_1 fused, prefetching")
  H.contains(explain.fusion(s31), "instead of a 441 KiB intermediate", "reason")
  H.eq(sep("neon", 56, 56, 144, 32, "auto", { stride = 2 }).fused, nil, "neon: no prefetch, not fused")
  H.eq(sep("avx512", 28, 28, 192, 32).fused, nil, "s3_2 not fused")
  -- dense tiles (AVX2: no pair tiles) prefetch too
  local a2 = sep("avx2", 112, 112, 96, 24, "always", { stride = 2 })
  H.ok(a2.fused.pw_of[a2.fused.B].inpf, "avx2 dense tiles")
  -- (bands of 1 row: 2 new input rows = 1344 lines over 14 4x24 tiles x 96 steps)
  H.eq(a2.fused.pw_of[1].inpf.lines, 1344, "avx2: 2 rows")
  H.eq(a2.fused.pw_of[1].inpf.per, 1, "avx2: a line a step")
  -- none for an input that stays in L2, on NEON or scalar
  local small = sep("avx512", 40, 40, 48, 40, "always")
  for _, b in ipairs(small.fused.bands) do H.eq(b.pf, nil, "300 KiB input: none") end
  local n = sep("neon", 112, 112, 96, 24, "always", { stride = 2 })
  for _, b in ipairs(n.fused.bands) do H.eq(b.pf, nil, "neon: none") end
  local s = sep("scalar", 112, 112, 96, 24, "always", { stride = 2 })
  for _, b in ipairs(s.fused.bands) do H.eq(b.pf, nil, "scalar: none") end
end

-- a 1024-channel intermediate is padded to 1040 floats a pixel on AVX-512,
-- so the projection's 14-row tiles do not share L1 sets; nowhere else
function T.conflicting_intermediate_rows_are_padded()
  H.ok(plan_pw.rows_conflict(targets.avx512, 1024, 14), "1024 floats, 14 rows: one set")
  H.ok(not plan_pw.rows_conflict(targets.avx512, 1040, 14), "1040 floats: spread")
  H.ok(not plan_pw.rows_conflict(targets.avx512, 512, 14), "512 floats: two sets of 7")
  local p = sep("avx512", 7, 7, 1024, 1024)
  local d, q = p.stages[1], p.stages[2]
  H.eq(d.ostride, 1040, "depthwise writes 1040 floats a pixel")
  H.eq(q.istride, 1040, "projection reads them")
  H.eq(q.mr, 14, "14-row tiles")
  H.eq(p.scratch_floats, 49 * 1040, "scratch holds the padded intermediate")
  H.contains(explain.pw_tile(q), "input pixels 1040 floats apart", "reason")
  -- fused bands pad too (--fuse always), band scratch included
  local f = sep("avx512", 10, 10, 1024, 40, "always")
  H.ok(f.fused, "fused")
  H.eq(f.scratch_floats, f.fused.B * 10 * 1040, "band scratch padded")
  for _, n in ipairs(f.fused.pw) do H.eq(f.fused.pw_of[n].istride, 1040, "band projection stride") end
  -- no padding where tiles are short enough (AVX2: at most 8 rows), on
  -- NEON (not measured there), scalar, or for 512 channels
  for _, t in ipairs({ "avx2", "neon", "scalar" }) do
    local o = sep(t, 7, 7, 1024, 1024)
    H.eq(o.stages[1].ostride, nil, t .. ": no padding")
    H.eq(o.stages[2].istride, 1024, t .. ": dense rows")
  end
  H.eq(sep("avx512", 14, 14, 512, 512).stages[2].istride, 512, "512 channels: dense rows")
  -- a scalar depthwise stage (multiplier 5 on avx512) writes the padded stride too
  local m5 = sep("avx512", 3, 4, 1024, 8, nil, { mult = 5 })
  H.eq(m5.stages[1].template, "scalar/spatial.c.in", "multiplier 5: scalar depthwise code")
  H.eq(m5.stages[1].ostride, 5136, "scalar depthwise writes 5136 floats a pixel")
  H.eq(m5.stages[2].istride, 5136, "projection reads them")
end

-- --optimize size (targets.SIZE): one-pixel depthwise and conv tiles and a
-- smaller border budget; the default plan keeps dw_ur pixels a tile
function T.optimize_size_smaller_tiles()
  local function stages(optimize, fields)
    local src = "return { name = \"t\", input = { h = 12, w = 12, c = 16 }, layers = { { name = \"l\", " ..
      fields .. " } } }"
    local net = assert(shapes.load(src, "t.lua"))
    return plan.net(net, "scalar", "auto", 1, optimize).layers[1].stages
  end
  local speed, size = stages(nil, 'op = "separable", cout = 16'), stages("size", 'op = "separable", cout = 16')
  H.eq(speed[1].ur, targets.scalar.dw_ur, "speed: dw_ur pixels a depthwise tile")
  H.eq(size[1].ur, 1, "size: one pixel a depthwise tile")
  H.eq(size[1].staged, nil, "size: 3x3 borders stay unrolled")
  H.eq(stages("size", 'op = "conv", cout = 8, k = 3')[1].ur, 1, "size: one pixel a conv tile")
  H.ok(stages("size", 'op = "dwconv", k = 5')[1].staged, "size: 5x5 borders staged (budget 200)")
  H.eq(stages(nil, 'op = "dwconv", k = 5')[1].staged, nil, "speed: 5x5 borders unrolled")
  H.eq(targets.get("scalar", "size").border_budget, targets.SIZE.border_budget, "size budget")
  H.eq(targets.get("scalar").dw_ur, targets.scalar.dw_ur, "the default table")
end

-- Threads: a layer's band height balances the rows of the busiest task
-- (plan_par.band_rows), never below half of about 4 bands per worker.
function T.band_rows_balance_the_tasks()
  H.eq(plan_par.band_rows(112, 2), 14, "112 rows, 2 threads: 4 bands of 14 a task")
  H.eq(plan_par.band_rows(28, 2), 2, "28 rows, 2 threads: bands of 2 (14 rows a task), not of 3 (15 and 13)")
  H.eq(plan_par.busiest(28, 3, 2), 15, "bands of 3: the first task has 15 of the 28 rows")
  H.eq(plan_par.busiest(28, 2, 2), 14, "bands of 2: 14 each")
  for T_ = 2, 4 do
    for R = 1, 120 do
      local B0 = math.max(1, math.floor(R / (4 * T_)))
      local B = plan_par.band_rows(R, T_)
      H.ok(B <= B0 and B >= math.ceil(B0 / 2), "band height within half of the default: R " .. R .. " T " .. T_)
      H.ok(plan_par.busiest(R, B, T_) <= plan_par.busiest(R, B0, T_), "never busier: R " .. R .. " T " .. T_)
      H.ok(plan_par.busiest(R, B, T_) >= math.ceil(R / T_), "busiest at least its share: R " .. R .. " T " .. T_)
    end
  end
end

-- Threads: a projection with too few rows to split evenly runs in bands of
-- pixels (plan_par.pw_split); one with enough rows keeps row bands.
function T.few_rows_split_by_pixels()
  local s = plan_par.pw_split(7, 7, 2, 14)
  H.eq(s.unit, "pixels", "7x7 on 2 threads: rows would give one task 4 of 7")
  H.eq(plan_par.busiest(49, s.B, 2), 25, "pixel bands give the busiest task 25 of 49 pixels")
  H.ok(s.B >= 7 and s.B <= 14, "bands of at most the register tile's 14 pixels, at least half of that")
  local t4 = plan_par.pw_split(18, 16, 4, 4)
  H.eq(t4.unit, "pixels", "18 rows on 4 threads: rows give one task 5 of 18")
  H.eq(t4.B, 18, "bands of 18 pixels: 4 a worker, 72 pixels each")
  H.eq(plan_par.pw_split(14, 14, 2, 14).unit, "rows", "14 rows split evenly on 2 threads")
  H.eq(plan_par.pw_split(56, 56, 4, 14).unit, "rows", "56 rows on 4 threads")
  local mb = plan.net(shapes.load(assert(H.read("examples/mobilenet_v2.lua")), "mobilenet_v2.lua"),
    "avx512", "auto", 2)
  for _, p in ipairs(mb.layers) do
    if p.L.op == "pwconv" and p.par.kind == "bands" then
      -- 7x7: weights outweigh the input, so blocks of output channels
      H.eq(p.par.unit, p.L.H == 7 and "channels" or "rows", p.L.name .. ": split by " .. p.par.unit)
      H.eq(p.par.rows, p.L.H == 7 and 2 or p.L.H, p.L.name .. ": the units its tasks share")
    end
  end
end

-- Threads: an fc splits in blocks of output channels on whole vectors, a
-- stage each, packing its own rows of the weights.
function T.fc_splits_in_channel_blocks()
  H.eq(plan_par.channel_blocks(1000, 2, 16), { { 0, 496 }, { 496, 1000 } }, "1000 outputs, 2 threads, AVX-512")
  H.eq(plan_par.channel_blocks(1000, 4, 8), { { 0, 248 }, { 248, 496 }, { 496, 744 }, { 744, 1000 } },
    "4 threads, AVX2")
  H.eq(plan_par.channel_blocks(20, 2, 16), nil, "too few outputs for a vector a thread")
  local mb = plan.net(shapes.load(assert(H.read("examples/mobilenet_v2.lua")), "mobilenet_v2.lua"),
    "avx512", "auto", 2)
  local fc = mb.layers[#mb.layers - 1]
  H.eq(fc.L.op, "fc", "the next-to-last layer is the fc")
  H.eq(#fc.stages, 2, "two blocks, two stages")
  H.eq({ fc.stages[1].o_first, fc.stages[1].cout, fc.stages[2].o_first, fc.stages[2].cout }, { 0, 496, 496, 504 },
    "the stages cover the outputs in order")
  H.eq(fc.stages[2].woff, fc.stages[1].wfloats, "the second block's weights follow the first's")
  H.eq(fc.par.unit, "channels", "the tasks share channel blocks")
  local t1 = plan.net(shapes.load(assert(H.read("examples/mobilenet_v2.lua")), "mobilenet_v2.lua"), "avx512", "auto")
  H.eq(#t1.layers[#t1.layers - 1].stages, 1, "one thread: one stage")
end

-- Threads: band heights balance the tasks with the bands as they fall in
-- the row classes (a border class is a band of its own).
function T.band_heights_follow_row_classes()
  -- 56 rows: a one-row top border, 54 interior rows, a one-row bottom border
  local classes = { { v0 = 0, v1 = 1 }, { v0 = 1, v1 = 55 }, { v0 = 55, v1 = 56 } }
  local B, most = plan_par.class_rows(classes, 56, 5, 2)
  H.eq({ B, most }, { 3, 28 }, "bands of 5 would give 31 and 25 rows, bands of 3 give 28 each")
  H.eq({ plan_par.class_rows({ { v0 = 0, v1 = 56 } }, 56, 7, 2) }, { 7, 28 }, "one class: 7 rows split evenly")
  for R = 4, 60 do
    for T_ = 2, 4 do
      local cls = { { v0 = 0, v1 = 1 }, { v0 = 1, v1 = R - 1 }, { v0 = R - 1, v1 = R } }
      local hi = math.max(1, math.floor(R / (4 * T_)))
      local b = plan_par.class_rows(cls, R, hi, T_)
      H.ok(b <= hi and b >= math.ceil(hi / 2), "within hi .. hi / 2: R " .. R .. " T " .. T_)
    end
  end
  local mb = plan.net(shapes.load(assert(H.read("examples/mobilenet_v1.lua")), "mobilenet_v1.lua"),
    "avx512", "auto", 2)
  local b3 = mb.layers[4]
  H.eq({ b3.L.name, b3.fused.B }, { "b3", 3 }, "b3 at 2 threads: bands of 3 rows")
end

-- Threads: a separable layer whose few rows split unevenly and whose
-- projection dwarfs its depthwise stage runs in blocks of output channels,
-- each task computing the whole depthwise output first (plan_par.sep_blocks);
-- one with rows enough stays fused in row bands.
function T.few_row_separable_splits_in_channel_blocks()
  local mb = plan.net(shapes.load(assert(H.read("examples/mobilenet_v1.lua")), "mobilenet_v1.lua"),
    "avx512", "auto", 2)
  for _, p in ipairs(mb.layers) do
    if p.L.op == "separable" then
      local few = p.L.MH == 7
      H.eq(p.fusion.kind, few and "blocks" or "fused", p.L.name .. ": " .. p.fusion.kind)
      if few then
        H.eq(#p.stages, 3, p.L.name .. ": the depthwise stage and two blocks")
        H.eq({ p.stages[2].o_first, p.stages[2].cout, p.stages[3].o_first, p.stages[3].cout }, { 0, 512, 512, 512 },
          p.L.name .. ": the blocks cover the outputs in order")
        H.eq(p.stages[2].src, { "scratch", 0 }, p.L.name .. ": the blocks read the depthwise output")
        H.eq(p.par.unit, "channels", p.L.name .. ": the tasks share channel blocks")
        H.eq(p.par.task_floats, p.mid_floats, p.L.name .. ": a task's buffer holds the whole depthwise output")
        H.eq(p.scratch_floats, 2 * p.mid_floats, p.L.name .. ": one buffer a thread")
        H.ok(p.fusion.by_blocks < 0.98 * p.fusion.by_rows, p.L.name .. ": blocks leave the busiest task less")
      end
    end
  end
  -- 7 rows, 2 threads: a task of row bands has 4 of 7 (57% of the layer),
  -- one of blocks half the projection and the whole depthwise stage
  local L = { MH = 7, MW = 7, MC = 960, kh = 3, kw = 3, OC = 320, pw = { S = 960 } }
  local b, by_blocks, by_rows = plan_par.sep_blocks(L, 2, 16)
  H.eq(b, { { 0, 160 }, { 160, 320 } }, "960 -> 320: blocks")
  H.ok(by_blocks < by_rows, "blocks estimated cheaper")
  L.OC = 160
  H.eq(plan_par.sep_blocks(L, 2, 16), nil, "960 -> 160: the duplicated depthwise stage costs as much as it saves")
  local t1 = plan.net(shapes.load(assert(H.read("examples/mobilenet_v1.lua")), "mobilenet_v1.lua"), "avx512", "auto")
  H.eq(#t1.layers[14].stages, 2, "one thread: b13 keeps its two stages")
  local never = plan.net(shapes.load(assert(H.read("examples/mobilenet_v1.lua")), "mobilenet_v1.lua"),
    "avx512", "never", 2)
  H.eq(never.layers[14].fusion.kind, "never", "--fuse never: no blocks")
end

return T
