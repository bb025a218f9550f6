-- Layers where some or every output meets only padding (found by make
-- fuzz: tests/fuzz/found/cc-werror-*): the kernels must not declare an
-- input index or a weight pointer nobody reads, and a kernel whose every
-- tap misses the input must not leave `in` (or `w`) unused.  Each layer is
-- its own chain.
return {
  name = "no_taps",
  layers = {
    -- every tap of the dilated transposed kernel misses the 1x1 input: in unused
    { name = "deconv_none", op = "dwdeconv", input = { h = 1, w = 1, c = 8 }, k = 2, dilation = 2 },
    -- stride 4 > k: phases with no kernel column, no bias: their vw unused
    { name = "deconv_gaps", op = "dwdeconv", input = { h = 1, w = 3, c = 5 }, stride = 4, bias = false },
    -- a dilated depthwise kernel on a 1x1 image, no bias: in and w unused
    { name = "dw_none", op = "dwconv", input = { h = 1, w = 1, c = 4 }, dilation = 2, pad = 2, bias = false },
    -- likewise with multiplier 5: the scalar target's channel tiles (scalar/spatial.c.in)
    { name = "dw_none_m5", op = "dwconv", input = { h = 1, w = 1, c = 2 }, mult = 5, k = 2, dilation = 2, pad = 1, bias = false },
    -- the top padding row of the dilated convolution meets no input: its ib unused
    { name = "conv_rows", op = "conv", input = { h = 1, w = 5, c = 3 }, cout = 4, dilation = 2, pad = { 3, 0, 1, 0 } },
    -- a convolution whose every tap misses the input: in unused
    { name = "conv_none", op = "conv", input = { h = 1, w = 1, c = 2 }, cout = 3, k = 2, dilation = 2, pad = 1 },
  },
}
