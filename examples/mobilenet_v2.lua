-- MobileNet v2 1.0 (Sandler et al., arXiv 1801.04381), 224x224 input.
--
-- The whole network: the stem (a full 3x3 stride-2 conv, 224x224x3 ->
-- 112x112x32), every inverted-residual block, the final 1x1 conv to 1280
-- channels, the global average pool, the 1000-class classifier and the
-- softmax.  Batch norm is folded into the biases.  Output: 1x1x1000.
--
-- Block table (t = expansion, c = output channels, n = repeats, s = stride of
-- the first repeat): (1,16,1,1) (6,24,2,2) (6,32,3,2) (6,64,4,2) (6,96,3,1)
-- (6,160,3,2) (6,320,1,1).  A block is
--   eB_I  pwconv     1x1 expansion cin -> t*cin, ReLU6 (absent when t = 1)
--   sB_I  separable  3x3 depthwise (stride s), ReLU6, then the 1x1 linear
--                    bottleneck projection to c (act "none")
-- When a block has stride 1 and cin == c, the block input is added to its
-- output: residual = "eB_I" names the expansion layer, whose input is the
-- block input.
return {
  name  = "mbv2",
  input = { h = 224, w = 224, c = 3 },
  layers = {
    { name = "stem", op = "conv", k = 3, stride = 2, cout = 32, act = "relu6" },                          -- -> 112x112x32

    -- block 1: t=1 c=16 n=1 s=1 (32 != 16: no residual)
    { name = "s1_1", op = "separable", k = 3, stride = 1, cout = 16,  dw_act = "relu6", act = "none" },  -- 112x112x32 -> 112x112x16

    -- block 2: t=6 c=24 n=2 s=2
    { name = "e2_1", op = "pwconv",    cout = 96,  act = "relu6" },                                      -- 112x112x16 -> 112x112x96
    { name = "s2_1", op = "separable", k = 3, stride = 2, cout = 24,  dw_act = "relu6", act = "none" },  -- -> 56x56x24
    { name = "e2_2", op = "pwconv",    cout = 144, act = "relu6" },                                      -- 56x56x24 -> 56x56x144
    { name = "s2_2", op = "separable", k = 3, stride = 1, cout = 24,  dw_act = "relu6", act = "none",
      residual = "e2_2" },                                                                               -- -> 56x56x24

    -- block 3: t=6 c=32 n=3 s=2
    { name = "e3_1", op = "pwconv",    cout = 144, act = "relu6" },                                      -- 56x56x24 -> 56x56x144
    { name = "s3_1", op = "separable", k = 3, stride = 2, cout = 32,  dw_act = "relu6", act = "none" },  -- -> 28x28x32
    { name = "e3_2", op = "pwconv",    cout = 192, act = "relu6" },                                      -- 28x28x32 -> 28x28x192
    { name = "s3_2", op = "separable", k = 3, stride = 1, cout = 32,  dw_act = "relu6", act = "none",
      residual = "e3_2" },                                                                               -- -> 28x28x32
    { name = "e3_3", op = "pwconv",    cout = 192, act = "relu6" },
    { name = "s3_3", op = "separable", k = 3, stride = 1, cout = 32,  dw_act = "relu6", act = "none",
      residual = "e3_3" },                                                                               -- -> 28x28x32

    -- block 4: t=6 c=64 n=4 s=2
    { name = "e4_1", op = "pwconv",    cout = 192, act = "relu6" },                                      -- 28x28x32 -> 28x28x192
    { name = "s4_1", op = "separable", k = 3, stride = 2, cout = 64,  dw_act = "relu6", act = "none" },  -- -> 14x14x64
    { name = "e4_2", op = "pwconv",    cout = 384, act = "relu6" },                                      -- 14x14x64 -> 14x14x384
    { name = "s4_2", op = "separable", k = 3, stride = 1, cout = 64,  dw_act = "relu6", act = "none",
      residual = "e4_2" },
    { name = "e4_3", op = "pwconv",    cout = 384, act = "relu6" },
    { name = "s4_3", op = "separable", k = 3, stride = 1, cout = 64,  dw_act = "relu6", act = "none",
      residual = "e4_3" },
    { name = "e4_4", op = "pwconv",    cout = 384, act = "relu6" },
    { name = "s4_4", op = "separable", k = 3, stride = 1, cout = 64,  dw_act = "relu6", act = "none",
      residual = "e4_4" },                                                                               -- -> 14x14x64

    -- block 5: t=6 c=96 n=3 s=1 (first repeat: 64 != 96, no residual)
    { name = "e5_1", op = "pwconv",    cout = 384, act = "relu6" },                                      -- 14x14x64 -> 14x14x384
    { name = "s5_1", op = "separable", k = 3, stride = 1, cout = 96,  dw_act = "relu6", act = "none" },  -- -> 14x14x96
    { name = "e5_2", op = "pwconv",    cout = 576, act = "relu6" },                                      -- 14x14x96 -> 14x14x576
    { name = "s5_2", op = "separable", k = 3, stride = 1, cout = 96,  dw_act = "relu6", act = "none",
      residual = "e5_2" },
    { name = "e5_3", op = "pwconv",    cout = 576, act = "relu6" },
    { name = "s5_3", op = "separable", k = 3, stride = 1, cout = 96,  dw_act = "relu6", act = "none",
      residual = "e5_3" },                                                                               -- -> 14x14x96

    -- block 6: t=6 c=160 n=3 s=2
    { name = "e6_1", op = "pwconv",    cout = 576, act = "relu6" },                                      -- 14x14x96 -> 14x14x576
    { name = "s6_1", op = "separable", k = 3, stride = 2, cout = 160, dw_act = "relu6", act = "none" },  -- -> 7x7x160
    { name = "e6_2", op = "pwconv",    cout = 960, act = "relu6" },                                      -- 7x7x160 -> 7x7x960
    { name = "s6_2", op = "separable", k = 3, stride = 1, cout = 160, dw_act = "relu6", act = "none",
      residual = "e6_2" },
    { name = "e6_3", op = "pwconv",    cout = 960, act = "relu6" },
    { name = "s6_3", op = "separable", k = 3, stride = 1, cout = 160, dw_act = "relu6", act = "none",
      residual = "e6_3" },                                                                               -- -> 7x7x160

    -- block 7: t=6 c=320 n=1 s=1 (160 != 320: no residual)
    { name = "e7_1", op = "pwconv",    cout = 960, act = "relu6" },                                      -- 7x7x160 -> 7x7x960
    { name = "s7_1", op = "separable", k = 3, stride = 1, cout = 320, dw_act = "relu6", act = "none" },  -- -> 7x7x320

    -- final 1x1 conv
    { name = "head", op = "pwconv",    cout = 1280, act = "relu6" },                                     -- 7x7x320 -> 7x7x1280
    { name = "pool", op = "pool", type = "avg", global = true },                                          -- -> 1x1x1280
    { name = "fc",   op = "fc", cout = 1000 },                                                              -- logits
    { name = "prob", op = "softmax" },
  },
}
