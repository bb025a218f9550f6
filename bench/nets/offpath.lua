-- Layers off the libraries' fast paths, for `make bench SHAPES=bench/nets/offpath.lua`:
-- channel multipliers above 1, 5x5 kernels, odd image sizes and channel counts
-- (MnasNet/EfficientNet-style 5x5 blocks, multiplier-2/4/8 depthwise layers).
return {
  name = "offpath",
  layers = {
    { name = "m2",   op = "dwconv",    input = { h = 56, w = 56, c = 32 }, mult = 2, act = "relu6" },
    { name = "m4s",  op = "separable", input = { h = 28, w = 28, c = 24 }, mult = 4, cout = 96,
      dw_act = "relu6", act = "relu6" },
    { name = "m8",   op = "dwconv",    input = { h = 14, w = 14, c = 16 }, mult = 8 },
    { name = "k5",   op = "separable", input = { h = 28, w = 28, c = 96 }, k = 5, cout = 96,
      dw_act = "relu6" },
    { name = "k5s2", op = "separable", input = { h = 29, w = 29, c = 40 }, k = 5, stride = 2,
      cout = 80, dw_act = "relu6" },
    { name = "odd",  op = "separable", input = { h = 15, w = 15, c = 120 }, cout = 200,
      dw_act = "relu6", act = "relu6" },
    { name = "k5dw", op = "dwconv",    input = { h = 17, w = 17, c = 72 }, k = 5, act = "relu" },
    { name = "odd2", op = "separable", input = { h = 23, w = 23, c = 57 }, cout = 77, k = 3 },
  },
}
