-- A factorized convolutional network in the style of Wang, Liu, Foroosh,
-- "Factorized Convolutional Neural Networks" (arXiv 1608.04337).
--
-- CIFAR-sized: a 3x3 stem convolution (32x32x3 -> 32x32x64), three stages
-- of 64, 128 and 256 channels, global average pool, a 10-class classifier
-- and the softmax.  The building blocks are
-- the paper's:
--   * a single intra-channel convolution (one k x k filter per channel, here
--     sometimes with a channel multiplier) followed by a linear channel
--     projection: `separable` with dw_act = "none", usually with a residual;
--   * topological subdivisioning: each output channel of the projection sees
--     only a local window of a 2-d or 3-d grid of input channels (`topology`);
--   * spatial bottlenecks: strided intra-channel conv -> projection ->
--     intra-channel deconvolution back to full size (`bottleneck`).
-- Output: 1x1x10, the class probabilities.  About 38M multiply-accumulates.
return {
  name  = "fact",
  input = { h = 32, w = 32, c = 3 },
  layers = {
    { name = "stem", op = "conv", k = 3, cout = 64, act = "relu" },
    -- stage 1: 32x32x64 ---------------------------------------------------
    -- plain factorized layer: 3x3 intra-channel conv + dense projection, residual
    { name = "f1", op = "separable", k = 3, cout = 64, act = "relu", residual = true },
    -- channel multiplier 2: two 3x3 filters per channel (128 maps), projected back to 64
    { name = "f2", op = "separable", k = 3, mult = 2, cout = 64, act = "relu", residual = true },
    -- topological projection alone: channels on an 8x8 grid, each output sees
    -- 3 consecutive rows (wrapping) x all 8 columns = 24 of 64 inputs
    { name = "f3", op = "pwconv", act = "relu", residual = true,
      topology = { grid_in = { 8, 8 }, grid_out = { 8, 8 }, window = { 3, 8 } } },
    -- factorized layer with a topological projection (window 3x4 of the 8x8 grid)
    { name = "f4", op = "separable", k = 3, act = "relu", residual = true,
      topology = { grid_in = { 8, 8 }, grid_out = { 8, 8 }, window = { 3, 4 } } },
    -- spatial bottleneck: 3x3/2 conv -> 16x16 projection -> 3x3/2 deconv to 32x32
    { name = "b1", op = "bottleneck", k = 3, stride = 2, cout = 64, act = "relu", residual = true },

    -- stage 2: 16x16x128 --------------------------------------------------
    -- transition: strided intra-channel conv, projection widens 64 -> 128
    { name = "t2", op = "separable", k = 3, stride = 2, cout = 128, act = "relu" },
    -- multiplier 2 (256 maps on a 4x8x8 grid) projected to 128 (2x8x8 grid),
    -- 3-d window 2x3x8 = 48 inputs per output
    { name = "f5", op = "separable", k = 3, mult = 2, cout = 128, act = "relu", residual = true,
      topology = { grid_in = { 4, 8, 8 }, grid_out = { 2, 8, 8 }, window = { 2, 3, 8 } } },
    -- 3-d topological projection, grid_out finer than grid_in in the first two
    -- dimensions and coarser in the last: window 1x3x4 = 12 of 128 inputs
    { name = "f6", op = "pwconv", act = "relu", residual = true,
      topology = { grid_in = { 2, 8, 8 }, grid_out = { 4, 16, 2 }, window = { 1, 3, 4 } } },
    -- spatial bottleneck, projection on 8x8
    { name = "b2", op = "bottleneck", k = 3, stride = 2, cout = 128, act = "relu", residual = true },
    -- larger 5x5 intra-channel conv, dense projection
    { name = "f7", op = "separable", k = 5, act = "relu", residual = true },

    -- stage 3: 8x8x256 ----------------------------------------------------
    { name = "t3", op = "separable", k = 3, stride = 2, cout = 256, act = "relu" },
    -- 16x16 grid, window 3x16 = 48 of 256 inputs
    { name = "f8", op = "separable", k = 3, act = "relu", residual = true,
      topology = { grid_in = { 16, 16 }, grid_out = { 16, 16 }, window = { 3, 16 } } },
    -- spatial bottleneck, projection on 4x4
    { name = "b3", op = "bottleneck", k = 3, stride = 2, cout = 256, act = "relu", residual = true },
    -- multiplier 2 and a 4-group projection (512 -> 256)
    { name = "f9", op = "separable", k = 3, mult = 2, cout = 256, groups = 4, act = "relu", residual = true },

    -- classifier ----------------------------------------------------------
    { name = "pool", op = "pool", type = "avg", global = true },
    { name = "fc", op = "fc", cout = 10 },
    { name = "prob", op = "softmax" },
  },
}
