-- Degenerate sizes for every op: 1x1x1 tensors, C = 1, one-pixel rows and
-- columns (1xW, Hx1), 2x2 images with stride 2 and 3, so that every kernel
-- consists only of borders and tails.  Each layer is its own chain except
-- the last three, a 1x1x1 chain.
return {
  name = "tiny",
  layers = {
    { name = "dw1",    op = "dwconv",     input = { h = 1,  w = 1,  c = 1 } },
    { name = "pw1",    op = "pwconv",     input = { h = 1,  w = 1,  c = 1 } },
    { name = "sep1",   op = "separable",  input = { h = 1,  w = 1,  c = 1 } },
    { name = "dec1",   op = "dwdeconv",   input = { h = 1,  w = 1,  c = 1 } },
    { name = "bot1",   op = "bottleneck", input = { h = 1,  w = 1,  c = 1 }, stride = 2 },
    { name = "dwrow",  op = "dwconv",     input = { h = 1,  w = 17, c = 3 },  stride = 2 },             -- -> 1x9
    { name = "dwcol",  op = "dwconv",     input = { h = 17, w = 1,  c = 5 },  k = 5, stride = 3 },      -- -> 6x1
    { name = "seprow", op = "separable",  input = { h = 1,  w = 16, c = 8 },  cout = 1 },
    { name = "sepcol", op = "separable",  input = { h = 15, w = 1,  c = 1 },  mult = 4, cout = 9, stride = 2 }, -- -> 8x1
    { name = "botcol", op = "bottleneck", input = { h = 2,  w = 1,  c = 4 },  stride = 2, cout = 4, residual = true },
    { name = "decrow", op = "dwdeconv",   input = { h = 1,  w = 2,  c = 7 },  stride = 2 },             -- -> 2x4
    { name = "dw2s3",  op = "dwconv",     input = { h = 2,  w = 2,  c = 9 },  stride = 3 },             -- -> 1x1
    { name = "pwrow",  op = "pwconv",     input = { h = 1,  w = 14, c = 1 },  cout = 1, residual = true },
    { name = "c1",     op = "dwconv",     input = { h = 1,  w = 1,  c = 1 },  k = 1, residual = true },
    { name = "c2",     op = "pwconv",     cout = 1, residual = "c1" },
    { name = "c3",     op = "bottleneck", k = 1, cout = 1, residual = "c1", bias = false },
  },
}
