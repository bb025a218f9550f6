-- dwconv kernel sizes: every k from 1 to 7, plus 9, 11 and 15, square and
-- non-square ({kh, kw}), on odd/even image sizes and channel counts around the
-- depthwise channel tiles (4 neon, 8 scalar/avx2, 16 avx512).  Stride 1 and
-- "same" padding unless noted; each layer is its own chain.
return {
  name = "dw_kernels",
  layers = {
    { name = "k1",     op = "dwconv", input = { h = 9,  w = 17, c = 33 }, k = 1 },                   -- 9x17x33
    { name = "k2",     op = "dwconv", input = { h = 8,  w = 7,  c = 5 },  k = 2 },                   -- P=1: pad 0 top, 1 bottom
    { name = "k3",     op = "dwconv", input = { h = 13, w = 15, c = 17 }, k = 3 },
    { name = "k4",     op = "dwconv", input = { h = 7,  w = 9,  c = 16 }, k = 4 },                   -- P=3: 1 top, 2 bottom
    { name = "k5",     op = "dwconv", input = { h = 14, w = 13, c = 9 },  k = 5 },
    { name = "k6",     op = "dwconv", input = { h = 9,  w = 8,  c = 7 },  k = 6 },
    { name = "k7",     op = "dwconv", input = { h = 16, w = 17, c = 31 }, k = 7 },
    { name = "k9",     op = "dwconv", input = { h = 15, w = 16, c = 8 },  k = 9 },
    { name = "k11",    op = "dwconv", input = { h = 13, w = 14, c = 15 }, k = 11 },
    { name = "k15",    op = "dwconv", input = { h = 17, w = 16, c = 4 },  k = 15 },                  -- P=14: 7/7
    { name = "k15_16", op = "dwconv", input = { h = 16, w = 16, c = 3 },  k = 15, pad = "valid" },   -- -> 2x2
    { name = "k1x7",   op = "dwconv", input = { h = 9,  w = 15, c = 32 }, k = { 1, 7 } },
    { name = "k7x1",   op = "dwconv", input = { h = 15, w = 9,  c = 3 },  k = { 7, 1 } },
    { name = "k5x3",   op = "dwconv", input = { h = 13, w = 7,  c = 33 }, k = { 5, 3 } },
    { name = "k3x5",   op = "dwconv", input = { h = 7,  w = 13, c = 1 },  k = { 3, 5 } },
    { name = "k2x4",   op = "dwconv", input = { h = 8,  w = 9,  c = 17 }, k = { 2, 4 } },            -- even kernels, asymmetric pads
    { name = "k15x1",  op = "dwconv", input = { h = 16, w = 3,  c = 8 },  k = { 15, 1 } },
    { name = "k1x15",  op = "dwconv", input = { h = 2,  w = 17, c = 5 },  k = { 1, 15 }, pad = "valid" }, -- -> 2x3
    { name = "k9v",    op = "dwconv", input = { h = 13, w = 9,  c = 16 }, k = 9, pad = "valid" },    -- -> 5x1
    { name = "k11x3s2", op = "dwconv", input = { h = 17, w = 8, c = 9 },  k = { 11, 3 }, stride = 2 }, -- -> 9x4
    { name = "k6x7",   op = "dwconv", input = { h = 14, w = 14, c = 64 }, k = { 6, 7 } },
    { name = "k3f",    op = "dwconv", input = { h = 7,  w = 7,  c = 8 },  k = 3.0 },                 -- integral float
  },
}
