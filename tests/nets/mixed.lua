-- One chain mixing every op and option: multipliers, odd sizes and channel
-- counts, stride-2 separable, bottleneck with residual, 3-d topology,
-- dwdeconv with explicit out back to the odd input size, grouped projection,
-- dilation, valid and table padding, named and self residuals, bias = false
-- and custom activations.
return {
  name = "mixed",
  input = { h = 15, w = 13, c = 7 },
  layers = {
    { name = "m1",  op = "dwconv",     mult = 2, act = "relu" },                               -- 15x13x14
    { name = "m2",  op = "pwconv",     cout = 17, act = "relu6" },                             -- 15x13x17
    { name = "m3",  op = "separable",  k = 5, stride = 2, cout = 24, dw_act = "relu" },        -- 8x7x24
    { name = "m4",  op = "bottleneck", stride = 2, cout = 24, residual = true, mid_act = "relu" }, -- mid 4x4
    { name = "m5",  op = "pwconv",     residual = true, act = "relu",
      topology = { grid_in = { 2, 3, 4 }, grid_out = { 4, 3, 2 }, window = { 1, 2, 3 } } },   -- 8x7x24
    { name = "m6",  op = "dwdeconv",   stride = 2, out = { h = 15, w = 13 } },                 -- 15x13x24
    { name = "m7",  op = "separable",  dilation = 2, cout = 16, groups = 8, act = { min = -1, max = 1 } }, -- 15x13x16
    { name = "m8",  op = "separable",  residual = true, bias = false },                        -- 15x13x16
    { name = "m9",  op = "pwconv",     cout = 16, residual = "m8", act = { min = 0 } },        -- + m8's input
    { name = "m10", op = "dwconv",     k = { 3, 5 }, pad = "valid" },                          -- 13x9x16
    { name = "m11", op = "dwconv",     k = 7, stride = 3, pad = { 3, 2, 3, 2 } },              -- 5x3x16
    { name = "m12", op = "bottleneck", k = 5, stride = { 2, 1 }, up_k = 3, bias = false, cout = 16,
      dw_act = "relu6", act = "relu" },                                                       -- 5x3x16, mid 3x3
    { name = "m13", op = "pwconv",     cout = 65, act = "relu" },                              -- 5x3x65
  },
}
