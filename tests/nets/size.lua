-- sepgen-args: --optimize size
-- --optimize size (gen/targets.lua SIZE): one output pixel per depthwise and
-- conv tile, and a border budget of 200 lines, so the stem convolution,
-- the multiplier-2 and the 5x5 layers stage their input through a
-- zero-padded copy while the others stay unrolled.  A stem convolution, separable layers at stride 1 and 2,
-- multiplier 2, a 5x5 and a dilated depthwise layer.  Each layer is its
-- own chain.
return {
  name = "size",
  layers = {
    { name = "stem", op = "conv",      input = { h = 13, w = 11, c = 3 },  k = 3, stride = 2, cout = 8, act = "relu6" },
    { name = "s1",   op = "separable", input = { h = 9,  w = 10, c = 12 }, cout = 16, dw_act = "relu6", act = "relu6" },
    { name = "s2",   op = "separable", input = { h = 11, w = 9,  c = 8 },  stride = 2, cout = 12 },
    { name = "m2",   op = "separable", input = { h = 7,  w = 8,  c = 6 },  mult = 2, cout = 10 },
    { name = "k5",   op = "dwconv",    input = { h = 9,  w = 9,  c = 10 }, k = 5, act = "relu" },
    { name = "d2",   op = "dwconv",    input = { h = 10, w = 11, c = 7 },  dilation = 2, bias = false },
  },
}
