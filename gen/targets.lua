-- targets.lua - what each target offers the planner: register budget,
-- vector width, the compiler flags its file needs, the intrinsics its
-- templates spell, and every cache-size threshold the plan compares
-- against (bytes unless named otherwise).  The sentences that explain the
-- choices are in explain.lua; the measurements behind the thresholds are
-- in docs/design.md.
local M = {}

-- Figures every target shares unless it sets its own.
local COMMON = {
  line_bytes = 64,          -- cache line: prefetch granule, intermediate row padding
  -- L1 geometry for the projection's set-conflict rule (plan_pw.rows_conflict)
  l1_sets = 64, l1_ways = 8,
  -- depthwise (plan_dw.lua): the kh input rows of the channels a pass reads
  -- stay in L1 within dw_l1; an input within dw_l2 stays in L2 across
  -- passes over channel blocks (docs/design.md#depthwise-passes-over-channel-blocks);
  -- a fused layer's input beyond dw_l2 is prefetched band by band
  dw_l1 = 24 * 1024, dw_l2 = 512 * 1024,
  -- fusion bands (plan_fuse.lua): depthwise output per band when the
  -- projection's weights stay in L1 (band_l1, at least band_l1_tiles
  -- register tiles of pixels) or else (band_l2, band_l2_tiles); a band
  -- grows to at most band_max bytes to reach its tiles
  band_l1 = 32 * 1024, band_l1_tiles = 4,
  band_l2 = 160 * 1024, band_l2_tiles = 8,
  band_max = 512 * 1024,
  -- projection weights every band may re-read while they stay in L2; beyond
  -- it fusion must save more traffic than the re-reads cost
  fuse_wl2 = 512 * 1024,
  -- projection loop order: pixel tiles outer when all its weights (at most
  -- pw_wl1) stay in L1 across the panels; else blocks of about pw_block
  -- bytes of input stay in L2 while every panel passes over them
  pw_wl1 = 24 * 1024,
  pw_block = 192 * 1024,
  -- unrolled border code budget (generated lines per stage, beyond one interior)
  border_budget = 800,
  -- threads (plan_par.lua): a layer of fewer MACs runs on one thread.  With
  -- sg_pthreads.h's spinning workers 2 threads ran 5 us layers 1.75-1.85x
  -- faster than one (runtime/sg_pthreads.h), so a layer of about 2 us
  -- should still gain: 100k MACs at the ~50 GMAC/s the AVX-512 layers ran
  -- at (make bench, docs/performance.md).  An estimate: the crossover of a
  -- generated layer is not measured yet
  par_min_macs = 100 * 1000,
}

local function target(t)
  for k, v in pairs(COMMON) do
    if t[k] == nil then t[k] = v end
  end
  return t
end

-- One-float "vectors" for the scalar target's depthwise stage: the vector
-- template (templates/simd/spatial.c.in) with vw = 1 is a register tile of
-- dw_ur output pixels x the multiplier's outputs of one channel, every
-- accumulator a named float and every tap written out, so that -O2 and -Os
-- keep the tile in registers and each weight load feeds dw_ur MACs.
local function op(o) return function(a, b) return "(" .. a .. " " .. o .. " " .. b .. ")" end end
-- The element at address expression p ("in + ib - 6", "vw + 3", "l") as an
-- index, in[ib - 6]: a pointer formed past the end of an array (a border
-- tile's base) is undefined in C even when the index brings it back.
local function deref(p)
  local base, idx = p:match("^([%w_]+) %+ (.+)$")
  if base then return base .. "[" .. idx .. "]" end
  return p .. "[0]"
end

M.scalar = target({
  name = "scalar",
  cflags = "",
  -- the register file the tiles are sized for: Cortex-M4F/M7's FPU has 32
  -- single-precision registers (s0-s31); a core with 16 still runs them,
  -- spilling some accumulators
  regs = 32, reg = "s",
  -- depthwise: the one-lane vector tile (above): dw_ur pixels along the
  -- row, at most dw_acc accumulators (row pairs included); a multiplier
  -- beyond 4 falls back to channel tiles of dw_acc accumulators
  dw_vec = true, template_dir = "simd",
  vw = 1, vt = "float",
  load = deref, store = function(p, v) return deref(p) .. " = " .. v end,
  fma = function(a, b, c) return "SG_MADD(" .. c .. ", " .. a .. ", " .. b .. ")" end,
  set1 = function(x) return x end, zero = function() return "0.0f" end,
  add = op("+"), mul = op("*"),
  -- the clamps as the generic kernels write them (a NaN stays NaN)
  max = function(a, b) return "(" .. a .. " < " .. b .. " ? " .. b .. " : " .. a .. ")" end,
  min = function(a, b) return "(" .. a .. " > " .. b .. " ? " .. b .. " : " .. a .. ")" end,
  masked = false,
  dw_ur = 8, dw_acc = 16,
  -- the channel tiles (scalar/dw_tile.c.in: every tap's inputs and weights
  -- live with the accumulators): at most ch_acc accumulators
  ch_acc = 8,
  -- projection: pixels x output channels per register tile
  pw_mr = 4,
  pw_nr = 4,
  -- fusion saves RAM: a separable layer whose intermediate exceeds this is fused
  fuse_min = 32 * 1024,
  -- about 2 us of scalar code at an assumed ~2.5 GMAC/s (not measured), as
  -- par_min_macs above
  par_min_macs = 5 * 1000,
})

-- SIMD targets: the intrinsic spelling of every vector operation the
-- templates use, so one template family serves AVX2, AVX-512 and NEON.
local function call(fn) return function(...) return fn .. "(" .. table.concat({ ... }, ", ") .. ")" end end

-- x86: prefetch the 64-byte line at p into L2 (projection weights and the
-- next band's input in pw.c.in and pw_pair.c.in)
local function x86_prefetch(p) return "_mm_prefetch((const char *)(" .. p .. "), _MM_HINT_T1)" end

local function lanes(n, vw, yes, no)
  local t = {}
  for i = 1, vw do t[i] = i <= n and yes or no end
  return table.concat(t, ", ")
end

M.avx512 = target({
  name = "avx512", simd = true, template_dir = "simd",
  cflags = "-mavx512f -mfma",
  header = "immintrin.h",
  vw = 16, regs = 32, vt = "__m512", reg = "zmm",
  load = call("_mm512_loadu_ps"), store = call("_mm512_storeu_ps"),
  fma = call("_mm512_fmadd_ps"),                 -- fma(a, b, c) = a * b + c
  set1 = call("_mm512_set1_ps"), zero = function() return "_mm512_setzero_ps()" end,
  add = call("_mm512_add_ps"), mul = call("_mm512_mul_ps"), max = call("_mm512_max_ps"), min = call("_mm512_min_ps"),
  sub = call("_mm512_sub_ps"), div = call("_mm512_div_ps"),
  -- Exp_v (simd/exp.c.in): n truncated toward zero, the float 2^n of an
  -- integral n, yes where x < c and no elsewhere
  trunc = function(x) return "_mm512_cvtepi32_ps(_mm512_cvttps_epi32(" .. x .. "))" end,
  pow2 = function(n)
    return "_mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(_mm512_cvttps_epi32(" .. n ..
      "), _mm512_set1_epi32(127)), 23))"
  end,
  below = function(x, c, yes, no)
    return "_mm512_mask_blend_ps(_mm512_cmp_ps_mask(" .. x .. ", " .. c .. ", _CMP_LT_OQ), " .. no .. ", " .. yes .. ")"
  end,
  masked = true, mt = "__mmask16",
  mask = function(n) return string.format("(__mmask16)0x%04X", math.floor(2 ^ n - 1)) end,
  mload = function(p, m) return "_mm512_maskz_loadu_ps(" .. m .. ", " .. p .. ")" end,
  mstore = function(p, v, m) return "_mm512_mask_storeu_ps(" .. p .. ", " .. m .. ", " .. v .. ")" end,
  perm = function(v, idx)
    return "_mm512_permutexvar_ps(_mm512_setr_epi32(" .. table.concat(idx, ", ") .. "), " .. v .. ")"
  end,
  -- depthwise: output pixels per register tile along the row; projection tile
  dw_ur = 8, dw_acc = 24,
  -- a convolution whose few input channels are unrolled (stems: cin <= 4)
  -- takes at most stem_acc accumulators: every tap's FMAs are written out,
  -- and the 3 -> 32 stem's tile of 8 pixels x 2 vectors ran at 87% of the
  -- peak (211 us, 224x224 input), 4 x 2 at 95% (193 us); 3 -> 16 keeps 8
  -- x 1 (make bench, Zen 5, 2026-12-06)
  stem_acc = 8,
  -- fusion keeps an intermediate beyond fuse_min (the L2 share) out of memory
  fuse_min = 1024 * 1024,
  -- fusion: largest projection weights a band may re-read from L1 (measured
  -- above the loop-order rule's pw_wl1: docs/design.md#fusion)
  fuse_wmax = 32 * 1024,
  -- a separable layer's intermediate whose pixels would put a projection
  -- tile's rows in one L1 set is written padded (plan_pw.rows_conflict;
  -- docs/design.md#padded-1024-channel-intermediates); AVX2's tiles (at
  -- most 8 rows) never conflict, and on NEON it is not measured
  pad_rows = true,
  pw_tiles = { { 14, 2 }, { 7, 4 }, { 9, 3 }, { 12, 2 }, { 10, 2 }, { 8, 2 }, { 14, 1 } },
  -- pixel-pair projection tiles (templates/simd/pw_pair.c.in): from pair_rmin
  -- to pair_rmax pairs, inputs repacked into a stack buffer of at most
  -- pair_stack bytes, the doubled weights at most pair_wmax bytes
  -- (docs/design.md#pixel-pairs)
  pair_tile = true, pair_rmin = 4, pair_rmax = 8, pair_stack = 16 * 1024, pair_wmax = 80 * 1024,
  prefetch = x86_prefetch,
})

M.avx2 = target({
  name = "avx2", simd = true, template_dir = "simd",
  cflags = "-mavx2 -mfma",
  header = "immintrin.h",
  vw = 8, regs = 16, vt = "__m256", reg = "ymm",
  load = call("_mm256_loadu_ps"), store = call("_mm256_storeu_ps"),
  fma = call("_mm256_fmadd_ps"),
  set1 = call("_mm256_set1_ps"), zero = function() return "_mm256_setzero_ps()" end,
  add = call("_mm256_add_ps"), mul = call("_mm256_mul_ps"), max = call("_mm256_max_ps"), min = call("_mm256_min_ps"),
  sub = call("_mm256_sub_ps"), div = call("_mm256_div_ps"),
  trunc = function(x) return "_mm256_cvtepi32_ps(_mm256_cvttps_epi32(" .. x .. "))" end,
  pow2 = function(n)
    return "_mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(_mm256_cvttps_epi32(" .. n ..
      "), _mm256_set1_epi32(127)), 23))"
  end,
  below = function(x, c, yes, no)
    return "_mm256_blendv_ps(" .. no .. ", " .. yes .. ", _mm256_cmp_ps(" .. x .. ", " .. c .. ", _CMP_LT_OQ))"
  end,
  masked = true, mt = "__m256i",
  mask = function(n) return "_mm256_setr_epi32(" .. lanes(n, 8, "-1", "0") .. ")" end,
  mload = function(p, m) return "_mm256_maskload_ps(" .. p .. ", " .. m .. ")" end,
  mstore = function(p, v, m) return "_mm256_maskstore_ps(" .. p .. ", " .. m .. ", " .. v .. ")" end,
  perm = function(v, idx)
    return "_mm256_permutevar8x32_ps(" .. v .. ", _mm256_setr_epi32(" .. table.concat(idx, ", ") .. "))"
  end,
  dw_ur = 4, dw_acc = 8,
  fuse_min = 512 * 1024,
  fuse_wmax = 24 * 1024,   -- not measured beyond the original rule (weights in 24 KiB of L1)
  pw_tiles = { { 6, 2 }, { 4, 3 }, { 3, 4 }, { 5, 2 }, { 4, 2 }, { 8, 1 } },
  prefetch = x86_prefetch,
})

M.neon = target({
  name = "neon", simd = true, template_dir = "simd",
  cflags = "",
  header = "arm_neon.h",
  vw = 4, regs = 32, vt = "float32x4_t", reg = "q",
  load = call("vld1q_f32"), store = call("vst1q_f32"),
  fma = function(a, b, c) return "vfmaq_f32(" .. c .. ", " .. a .. ", " .. b .. ")" end,
  set1 = call("vdupq_n_f32"), zero = function() return "vdupq_n_f32(0.0f)" end,
  add = call("vaddq_f32"), mul = call("vmulq_f32"), max = call("vmaxq_f32"), min = call("vminq_f32"),
  sub = call("vsubq_f32"), div = call("vdivq_f32"),
  trunc = function(x) return "vcvtq_f32_s32(vcvtq_s32_f32(" .. x .. "))" end,
  pow2 = function(n)
    return "vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(vcvtq_s32_f32(" .. n .. "), vdupq_n_s32(127)), 23))"
  end,
  below = function(x, c, yes, no)
    return "vbslq_f32(vcltq_f32(" .. x .. ", " .. c .. "), " .. yes .. ", " .. no .. ")"
  end,
  masked = false,
  -- a vector from fewer than 4 floats (CT = 1 or 2 input channels)
  part = function(p, n)
    if n == 1 then return "vld1q_dup_f32(" .. p .. ")" end
    return "vcombine_f32(vld1_f32(" .. p .. "), vdup_n_f32(0.0f))"
  end,
  perm = function(v, idx)
    -- table lookup on bytes: lane i takes float idx[i]
    local lo, hi = {}, {}
    for i = 1, 4 do
      for b = 0, 3 do
        local byte = idx[i] * 4 + b
        if i <= 2 then lo[#lo + 1] = byte else hi[#hi + 1] = byte end
      end
    end
    -- two 32-bit halves: a 64-bit value does not fit a Lua 5.1 number exactly
    local function u64(bytes)
      local low, high = 0, 0
      for i = 4, 1, -1 do low = low * 256 + bytes[i] end
      for i = 8, 5, -1 do high = high * 256 + bytes[i] end
      return string.format("0x%08X%08XULL", high, low)
    end
    return "vreinterpretq_f32_u8(vqtbl1q_u8(vreinterpretq_u8_f32(" .. v .. "), vcombine_u8(vcreate_u8(" ..
           u64(lo) .. "), vcreate_u8(" .. u64(hi) .. "))))"
  end,
  dw_ur = 8, dw_acc = 24,
  fuse_min = 512 * 1024,
  fuse_wmax = 24 * 1024,   -- not measured beyond the original rule (weights in 24 KiB of L1)
  pw_tiles = { { 6, 2 }, { 8, 2 }, { 4, 4 }, { 6, 3 }, { 5, 2 }, { 12, 1 } },
})

M.list = { "scalar", "avx2", "avx512", "neon", "native" }

-- --optimize size: what the plan gives up when flash is the limit.  One
-- output pixel per depthwise and conv tile (each weight load feeds one MAC)
-- and a quarter of the unrolled border budget (a larger layer stages its
-- input through a zero-padded copy in scratch instead).  Measured on the
-- emulated Cortex-M4F (docs/performance.md, make demo-mcu): the VWW
-- example's code 30.7 KB against 63.8 KB at -O2 for 7% more instructions
-- (single depthwise and conv layers: 15-45% more); projections unchanged.
M.SIZE = { dw_ur = 1, border_budget = 200 }

-- The target table the plan uses: `name`'s, or for --optimize size a copy
-- with M.SIZE's figures.
function M.get(name, optimize)
  local tg = M[name] or M.scalar
  if optimize ~= "size" then return tg end
  local t = {}
  for k, v in pairs(tg) do t[k] = v end
  for k, v in pairs(M.SIZE) do t[k] = v end
  t.optimize = "size"
  return t
end

-- Maps a requested target to one with templates.  `cpu` is the build
-- machine's description for native: { avx512f = true, avx2 = true, fma = true,
-- neon = true }.  Returns the target's name (explain.native says why).
function M.resolve(t, cpu)
  if t ~= "native" then return t end
  cpu = cpu or {}
  if cpu.avx512f then return "avx512" end
  if cpu.avx2 and cpu.fma then return "avx2" end
  if cpu.neon then return "neon" end
  return "scalar"
end

return M
