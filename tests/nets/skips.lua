-- One chain (so N_forward is generated) with named skips spanning 2, 3 and 4
-- layers across every op: an expansion/projection pair, a dwconv+pwconv pair,
-- a bottleneck skipping back over two layers, a stride-2 dwconv undone by a
-- dwdeconv with explicit out, and several residuals naming the same layer.
-- Skip tensors must stay alive in the arena until their last use.
return {
  name = "skips",
  input = { h = 9, w = 11, c = 16 },
  layers = {
    { name = "x1",  op = "pwconv",     cout = 48, act = "relu6" },                          -- 9x11x48
    { name = "x2",  op = "separable",  cout = 16, dw_act = "relu6", residual = "x1" },      -- 9x11x16 (+ x1's input)
    { name = "x3",  op = "dwconv",     act = "relu" },                                     -- 9x11x16
    { name = "x4",  op = "pwconv",     cout = 16, residual = "x3" },                        -- + x3's input
    { name = "x5",  op = "bottleneck", stride = 2, cout = 16, residual = "x3", act = "relu" }, -- + x3's input again (3 layers)
    { name = "x6",  op = "dwconv",     k = 5, mult = 2 },                                   -- 9x11x32
    { name = "x7",  op = "pwconv",     cout = 16, groups = 2, residual = "x6" },            -- + x6's input
    { name = "x8",  op = "dwconv",     stride = 2, act = "relu6" },                         -- 5x6x16
    { name = "x9",  op = "dwdeconv",   stride = 2, out = { h = 9, w = 11 }, residual = "x8" }, -- 9x11x16 (+ x8's input)
    { name = "x10", op = "separable",  stride = 2, cout = 33 },                             -- 5x6x33
    { name = "x11", op = "pwconv",     residual = true,
      topology = { grid_in = { 3, 11 }, grid_out = { 3, 11 }, window = { 2, 4 } } },       -- 5x6x33
    { name = "x12", op = "separable",  k = 3, cout = 33, residual = "x11", act = "relu" },
    { name = "x13", op = "dwconv",     k = { 3, 1 } },
    { name = "x14", op = "pwconv",     cout = 33, residual = "x11", bias = false },         -- skip over x11..x14
    { name = "x15", op = "pwconv",     cout = 8, act = "relu" },                            -- 5x6x8
  },
}
