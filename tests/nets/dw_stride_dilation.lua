-- dwconv strides and dilations: stride 1..4 and 8, mixed {sh, sw}, stride
-- larger than the kernel, dilation 1..3 (and 8), mixed {dh, dw}, dilation
-- combined with stride and with every padding form.  Odd sizes so that the
-- last output row/column has a partial window.  Each layer is its own chain.
return {
  name = "dw_stride_dilation",
  layers = {
    { name = "s2",      op = "dwconv", input = { h = 7,  w = 9,  c = 8 },  stride = 2 },                          -- -> 4x5
    { name = "s2e",     op = "dwconv", input = { h = 8,  w = 16, c = 16 }, stride = 2 },                          -- -> 4x8, P=1: 0/1
    { name = "s3",      op = "dwconv", input = { h = 13, w = 14, c = 16 }, stride = 3 },                          -- -> 5x5
    { name = "s1x2",    op = "dwconv", input = { h = 9,  w = 17, c = 9 },  stride = { 1, 2 } },                   -- -> 9x9
    { name = "s2x1",    op = "dwconv", input = { h = 15, w = 8,  c = 17 }, k = 5, stride = { 2, 1 } },            -- -> 8x8
    { name = "s3x2",    op = "dwconv", input = { h = 16, w = 13, c = 7 },  stride = { 3, 2 } },                   -- -> 6x7
    { name = "s2x3",    op = "dwconv", input = { h = 14, w = 17, c = 33 }, k = { 3, 5 }, stride = { 2, 3 } },     -- -> 7x6
    { name = "s4",      op = "dwconv", input = { h = 17, w = 17, c = 4 },  k = 5, stride = 4 },                   -- -> 5x5
    { name = "s8",      op = "dwconv", input = { h = 16, w = 15, c = 5 },  stride = 8 },                          -- -> 2x2
    { name = "s3k2",    op = "dwconv", input = { h = 13, w = 13, c = 15 }, k = 2, stride = 3 },                   -- stride > k: skipped pixels
    { name = "s3k1v",   op = "dwconv", input = { h = 9,  w = 7,  c = 8 },  k = 1, stride = 3, pad = "valid" },    -- pure subsampling, -> 3x3
    { name = "d2",      op = "dwconv", input = { h = 13, w = 13, c = 8 },  dilation = 2 },
    { name = "d3",      op = "dwconv", input = { h = 15, w = 14, c = 9 },  dilation = 3 },
    { name = "d2s2",    op = "dwconv", input = { h = 16, w = 17, c = 16 }, dilation = 2, stride = 2 },            -- -> 8x9
    { name = "d3s2k5",  op = "dwconv", input = { h = 17, w = 16, c = 3 },  k = 5, dilation = 3, stride = 2 },     -- effective 13x13
    { name = "d1x2",    op = "dwconv", input = { h = 9,  w = 9,  c = 31 }, dilation = { 1, 2 } },
    { name = "d2x3",    op = "dwconv", input = { h = 13, w = 17, c = 4 },  k = { 3, 5 }, dilation = { 2, 3 } },   -- effective 5x13
    { name = "d2s3v",   op = "dwconv", input = { h = 14, w = 14, c = 17 }, dilation = 2, stride = 3, pad = "valid" }, -- -> 4x4
    { name = "d8k2",    op = "dwconv", input = { h = 9,  w = 9,  c = 4 },  k = 2, dilation = 8 },                 -- effective 9x9
    { name = "d3x1s13", op = "dwconv", input = { h = 15, w = 16, c = 8 },  dilation = { 3, 1 }, stride = { 1, 3 }, pad = 2 },  -- -> 13x6
    { name = "d2s2t",   op = "dwconv", input = { h = 13, w = 9,  c = 5 },  dilation = 2, stride = 2, pad = { 4, 0, 1, 3 } },  -- -> 7x4
    { name = "d3s3",    op = "dwconv", input = { h = 16, w = 16, c = 65 }, dilation = 3, stride = 3 },            -- -> 6x6
  },
}
