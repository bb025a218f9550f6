-- The ops of whole networks (conv, pool, fc, se, softmax) on the edges of
-- their tiles and borders: stems (3 input channels, stride 2, SAME),
-- grouped and dilated convolutions, 1x1, bias = false, residuals; average
-- and maximum pools, windowed (padding, count_pad, odd sizes, stride above
-- the window) and global; fully connected layers over a flattened image;
-- squeeze-excite with both gates; softmax over 1, 10, 37 (6 pixels, with a
-- residual and an activation) and 1000 channels.
-- Each layer is its own chain.
return {
  name = "wholenet_ops",
  layers = {
    { name = "stem",    op = "conv", input = { h = 33, w = 31, c = 3 }, k = 3, stride = 2, cout = 32, act = "relu6" },
    { name = "stem16",  op = "conv", input = { h = 24, w = 24, c = 3 }, k = 3, stride = 2, cout = 16,
      act = "hswish" },
    -- more outputs than a 4-vector panel: full panels and a tail panel
    { name = "cwide",   op = "conv", input = { h = 6, w = 9, c = 8 }, k = 3, cout = 72, bias = false },
    { name = "c5x5",    op = "conv", input = { h = 9, w = 11, c = 5 }, k = 5, cout = 13, pad = "valid" },
    { name = "cgroup",  op = "conv", input = { h = 8, w = 8, c = 12 }, k = 3, cout = 18, groups = 3,
      bias = false },
    { name = "cdil",    op = "conv", input = { h = 12, w = 10, c = 4 }, k = { 3, 2 }, dilation = 2, cout = 7,
      stride = { 1, 2 } },
    { name = "c1x1res", op = "conv", input = { h = 5, w = 6, c = 9 }, k = 1, residual = true, act = "sigmoid" },
    -- 7x7 taps at dilation 2: too many border classes to unroll, the input is staged
    { name = "cstaged", op = "conv", input = { h = 20, w = 19, c = 4 }, k = 7, dilation = 2, cout = 6 },
    { name = "mp3s2",   op = "pool", input = { h = 13, w = 14, c = 20 }, type = "max", k = 3, stride = 2,
      pad = "same" },
    { name = "ap2",     op = "pool", input = { h = 8, w = 9, c = 11 }, type = "avg", k = 2, act = "relu6" },
    { name = "ap3cp",   op = "pool", input = { h = 7, w = 7, c = 16 }, type = "avg", k = 3, stride = 1, pad = 1,
      count_pad = true, residual = true },
    { name = "ap3tf",   op = "pool", input = { h = 7, w = 7, c = 16 }, type = "avg", k = 3, stride = 1, pad = 1 },
    { name = "mp_s3",   op = "pool", input = { h = 10, w = 10, c = 3 }, type = "max", k = 2, stride = 3 },
    { name = "gap",     op = "pool", input = { h = 7, w = 7, c = 37 }, type = "avg", global = true },
    { name = "gmp",     op = "pool", input = { h = 5, w = 3, c = 9 }, type = "max", global = true, act = "relu" },
    { name = "gap1res", op = "pool", input = { h = 1, w = 1, c = 13 }, type = "avg", global = true, residual = true },
    { name = "fc1",     op = "fc", input = { h = 1, w = 1, c = 64 }, cout = 10 },
    { name = "fc_img",  op = "fc", input = { h = 3, w = 4, c = 5 }, cout = 7, bias = false, act = "relu" },
    { name = "se_hs",   op = "se", input = { h = 6, w = 7, c = 24 }, reduce = 8 },
    { name = "se_sig",  op = "se", input = { h = 4, w = 4, c = 13 }, reduce = 3, se_act = "hswish",
      gate = "sigmoid", residual = true, act = "relu" },
    { name = "sm10",    op = "softmax", input = { h = 1, w = 1, c = 10 } },
    { name = "sm_res",  op = "softmax", input = { h = 3, w = 2, c = 6 }, residual = true, act = "hsigmoid" },
    { name = "sm1",     op = "softmax", input = { h = 2, w = 3, c = 1 } },
    { name = "sm1000",  op = "softmax", input = { h = 1, w = 1, c = 1000 } },
    { name = "sm37_res", op = "softmax", input = { h = 3, w = 2, c = 37 }, residual = true, act = "relu6" },
  },
}
