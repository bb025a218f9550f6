-- sepgen-args: --fuse always
-- Separable layers run fused (the depthwise output goes through band
-- scratch straight into the projection) on every target: the plan's size
-- rules would fuse few of them on SIMD targets (bench/ab.sh measured fusion
-- as a gain only for intermediates beyond L2), so this net is generated with
-- --fuse always.  Band heights that leave remainder bands, projections whose
-- register tile differs between bands and the whole layer, odd channel
-- counts, multipliers, strides, dilation, activations and residuals.
return {
  name = "fused",
  layers = {
    -- 72 outputs: 4.5 vectors on AVX-512, too few pairs fit (pixel-major tiles
    -- with a half-masked tail vector in every band's projection)
    { name = "f72", op = "separable", input = { h = 40, w = 40, c = 16 }, cout = 72, dw_act = "relu6" },
    { name = "small_w", op = "separable", input = { h = 40, w = 40, c = 48 }, cout = 40,
      dw_act = "relu6", act = "relu6" },
    { name = "odd", op = "separable", input = { h = 23, w = 37, c = 90 }, cout = 100, k = 5,
      dw_act = "relu", act = { min = -1, max = 1 } },
    { name = "mult2", op = "separable", input = { h = 30, w = 30, c = 51 }, mult = 2, cout = 33,
      stride = 2, act = "relu" },
    { name = "dil", op = "separable", input = { h = 45, w = 45, c = 40 }, dilation = 2, stride = 2,
      cout = 72, bias = false },
    { name = "band14", op = "separable", input = { h = 14, w = 14, c = 384 }, cout = 64,
      dw_act = "relu6" },
    -- depthwise output rows in pairs inside the bands (input beyond L2)
    { name = "pairs", op = "separable", input = { h = 24, w = 24, c = 232 }, cout = 24,
      dw_act = "relu6" },
    -- inputs beyond L2 (600-700 KiB): each band's projection prefetches the
    -- next band's input rows on x86 (plan.lua band_prefetch), pair tiles
    -- (24 outputs on AVX-512, with a residual) and dense ones, the last
    -- bands' rows clipped
    { name = "pf_pair", op = "separable", input = { h = 80, w = 80, c = 24 }, cout = 24, dw_act = "relu6",
      residual = true },
    { name = "pf_s2", op = "separable", input = { h = 91, w = 91, c = 20 }, stride = 2, cout = 40,
      act = "relu" },
    -- a padded 1024-channel intermediate (multiplier 2), in bands (dense
    -- tiles: 1024 inputs make pair weights exceed their 80 KiB)
    { name = "pad1024", op = "separable", input = { h = 5, w = 9, c = 512 }, mult = 2, cout = 24 },
    -- a chain with a self residual and a named skip
    { name = "e1", op = "pwconv", input = { h = 26, w = 26, c = 24 }, cout = 144, act = "relu6" },
    { name = "s1", op = "separable", cout = 24, dw_act = "relu6", residual = "e1" },
    { name = "s2", op = "separable", cout = 24, k = 3, pad = { 0, 2, 2, 0 }, residual = true,
      act = "relu" },
  },
}
