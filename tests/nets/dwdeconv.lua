-- dwdeconv (adjoint of dwconv): strides 1, 2, 3, 8 and mixed {sh, sw},
-- dilation, even/odd kernels, "same" (default out H*sh and explicit smaller
-- out), "valid", integer and {t, l, b, r} padding with default and explicit
-- out (explicit out leaves rows/columns the forward conv never reads), k = 1
-- with stride (holes filled by the bias only), 1x1 inputs, kernels larger
-- than the output, bias = false, activations and residual = true.  Each
-- layer is its own chain.
return {
  name = "dwdeconv",
  layers = {
    -- "same"
    { name = "s1",      op = "dwdeconv", input = { h = 7, w = 7, c = 8 },  stride = 1 },                             -- -> 7x7
    { name = "s2",      op = "dwdeconv", input = { h = 7, w = 9, c = 16 }, stride = 2 },                             -- -> 14x18
    { name = "s3",      op = "dwdeconv", input = { h = 5, w = 5, c = 9 },  stride = 3 },                             -- -> 15x15
    { name = "s23",     op = "dwdeconv", input = { h = 4, w = 5, c = 17 }, k = { 3, 5 }, stride = { 2, 3 } },        -- -> 8x15
    { name = "s2k4",    op = "dwdeconv", input = { h = 8, w = 8, c = 4 },  k = 4, stride = 2 },                      -- -> 16x16
    { name = "s2out",   op = "dwdeconv", input = { h = 7, w = 7, c = 15 }, stride = 2, out = { h = 13, w = 14 } },   -- ceil(13/2) = 7
    { name = "s3out",   op = "dwdeconv", input = { h = 5, w = 4, c = 33 }, stride = 3, out = { h = 13, w = 10 } },   -- ceil: 5, 4
    { name = "s1d2",    op = "dwdeconv", input = { h = 9, w = 9, c = 8 },  dilation = 2 },                           -- -> 9x9
    { name = "s2d2",    op = "dwdeconv", input = { h = 7, w = 7, c = 16 }, dilation = 2, stride = 2 },               -- -> 14x14
    -- "valid"
    { name = "v2",      op = "dwdeconv", input = { h = 7, w = 7, c = 8 },  stride = 2, pad = "valid" },              -- -> 15x15
    { name = "v2out",   op = "dwdeconv", input = { h = 7, w = 7, c = 8 },  stride = 2, pad = "valid", out = { h = 16, w = 15 } },
    { name = "v3k2",    op = "dwdeconv", input = { h = 5, w = 5, c = 5 },  k = 2, stride = 3, pad = "valid" },       -- -> 14x14
    { name = "v3k2out", op = "dwdeconv", input = { h = 5, w = 5, c = 5 },  k = 2, stride = 3, pad = "valid", out = { h = 16, w = 15 } },
    { name = "vd23",    op = "dwdeconv", input = { h = 5, w = 6, c = 7 },  dilation = { 2, 3 }, stride = { 2, 1 }, pad = "valid" }, -- -> 13x12
    { name = "v8",      op = "dwdeconv", input = { h = 2, w = 2, c = 3 },  k = 8, stride = 8, pad = "valid" },       -- -> 16x16
    -- integer and table padding
    { name = "p1",      op = "dwdeconv", input = { h = 7, w = 9, c = 5 },  stride = 2, pad = 1 },                    -- -> 13x17
    { name = "p1out",   op = "dwdeconv", input = { h = 7, w = 9, c = 5 },  stride = 2, pad = 1, out = { h = 14, w = 18 } },
    { name = "ptab",    op = "dwdeconv", input = { h = 6, w = 5, c = 3 },  k = 5, stride = 2, pad = { 2, 0, 1, 3 } }, -- -> 12x10
    { name = "pd3",     op = "dwdeconv", input = { h = 4, w = 4, c = 7 },  dilation = 3, stride = 3, pad = 2 },      -- -> 12x12
    -- k = 1 and tiny inputs
    { name = "k1s2",    op = "dwdeconv", input = { h = 7, w = 7, c = 1 },  k = 1, stride = 2, pad = "valid" },       -- -> 13x13, holes
    { name = "k1px",    op = "dwdeconv", input = { h = 1, w = 1, c = 33 }, k = 1 },
    { name = "px_s3",   op = "dwdeconv", input = { h = 1, w = 1, c = 16 }, stride = 3 },                             -- -> 3x3
    { name = "px_k7",   op = "dwdeconv", input = { h = 1, w = 1, c = 9 },  k = 7, stride = 2 },                      -- -> 2x2
    { name = "k15",     op = "dwdeconv", input = { h = 3, w = 3, c = 4 },  k = 15 },                                 -- -> 3x3
    -- bias, activations, residual
    { name = "nobias",  op = "dwdeconv", input = { h = 5, w = 7, c = 17 }, stride = 2, bias = false, act = "relu6" },
    { name = "amm",     op = "dwdeconv", input = { h = 6, w = 3, c = 31 }, stride = { 1, 3 }, act = { min = -1, max = 1 } },
    { name = "res",     op = "dwdeconv", input = { h = 9, w = 13, c = 16 }, k = 5, residual = true, act = "relu" },
    { name = "resout",  op = "dwdeconv", input = { h = 8, w = 7, c = 9 },  k = 4, out = { h = 8, w = 7 }, residual = true, bias = false },
  },
}
