-- dwconv channel multipliers (1, 2, 3, 4, 8 and 64 on tiny C), C = 1,
-- bias = false, every activation form (none, relu, relu6, {min, max},
-- {min} only, {max} only) and residual = true (stride 1, output shape equal
-- to input shape).  Output channels C*mult land on, below and above the
-- channel tiles.  Each layer is its own chain.
return {
  name = "dw_mult_act",
  layers = {
    -- multipliers
    { name = "m1c1",   op = "dwconv", input = { h = 15, w = 17, c = 1 },  mult = 1 },                  -- C = 1
    { name = "m2",     op = "dwconv", input = { h = 7,  w = 7,  c = 3 },  mult = 2 },                  -- 6 channels
    { name = "m3",     op = "dwconv", input = { h = 9,  w = 8,  c = 5 },  mult = 3 },                  -- 15
    { name = "m4",     op = "dwconv", input = { h = 8,  w = 9,  c = 4 },  mult = 4 },                  -- 16
    { name = "m8",     op = "dwconv", input = { h = 13, w = 13, c = 2 },  mult = 8 },                  -- 16
    { name = "m8c1",   op = "dwconv", input = { h = 9,  w = 7,  c = 1 },  mult = 8, k = 5 },           -- 8
    { name = "m64",    op = "dwconv", input = { h = 5,  w = 5,  c = 1 },  mult = 64 },                 -- 64
    { name = "m64c2",  op = "dwconv", input = { h = 3,  w = 3,  c = 2 },  mult = 64, stride = 2 },     -- 128
    { name = "m2c17",  op = "dwconv", input = { h = 14, w = 14, c = 17 }, mult = 2 },                  -- 34
    { name = "m3s2",   op = "dwconv", input = { h = 13, w = 9,  c = 11 }, mult = 3, stride = 2 },      -- 33
    { name = "m4v",    op = "dwconv", input = { h = 7,  w = 9,  c = 8 },  mult = 4, pad = "valid" },   -- 32
    { name = "m2d2",   op = "dwconv", input = { h = 9,  w = 9,  c = 9 },  mult = 2, dilation = 2, k = { 3, 2 } },
    -- bias and activations
    { name = "nobias", op = "dwconv", input = { h = 7,  w = 9,  c = 16 }, bias = false },
    { name = "a_none", op = "dwconv", input = { h = 8,  w = 7,  c = 9 },  act = "none" },
    { name = "a_relu", op = "dwconv", input = { h = 8,  w = 7,  c = 9 },  act = "relu" },
    { name = "a_r6",   op = "dwconv", input = { h = 8,  w = 7,  c = 9 },  act = "relu6" },
    { name = "a_mm",   op = "dwconv", input = { h = 8,  w = 7,  c = 9 },  act = { min = -1, max = 1 } },
    { name = "a_min",  op = "dwconv", input = { h = 8,  w = 7,  c = 9 },  act = { min = 0 } },
    { name = "a_max",  op = "dwconv", input = { h = 8,  w = 7,  c = 9 },  act = { max = 2 } },
    { name = "a_frac", op = "dwconv", input = { h = 8,  w = 7,  c = 7 },  act = { min = -2.5, max = 0.375 }, bias = false, mult = 2 },
    -- residual = true
    { name = "r_k3",   op = "dwconv", input = { h = 9,  w = 13, c = 8 },  residual = true },
    { name = "r_k4",   op = "dwconv", input = { h = 7,  w = 8,  c = 17 }, k = 4, residual = true, act = "relu6" }, -- asymmetric same pads
    { name = "r_d2",   op = "dwconv", input = { h = 13, w = 13, c = 5 },  k = 5, dilation = 2, residual = true, act = "relu" },
    { name = "r_tab",  op = "dwconv", input = { h = 8,  w = 9,  c = 33 }, k = { 3, 5 }, pad = { 1, 2, 1, 2 }, residual = true,
      bias = false, act = { min = -1, max = 1 } },                                                   -- explicit pad keeping the shape
    { name = "r_c1",   op = "dwconv", input = { h = 1,  w = 1,  c = 1 },  residual = true },
  },
}
