-- MobileNet v3 small (Howard et al., arXiv 1905.02244), 224x224 input, as
-- torchvision builds it: squeeze-excite reduces to the expansion / 4 rounded
-- up to a multiple of 8, with ReLU inside and a hard-sigmoid gate; no
-- squeeze-excite on the last 1x1 conv.  Batch norm is folded into the biases.
--
-- A block (k, expansion, out, SE, act, stride) is
--   eB  pwconv  1x1 expansion to `expansion` channels, act (absent when the
--               expansion equals the input channels: block 1)
--   dB  dwconv  k x k depthwise, stride, act
--   qB  se      squeeze-excite on the expanded channels (SE blocks only)
--   pB  pwconv  1x1 linear projection to `out`; residual when stride 1 and
--               in == out (residual = "eB" names the block's first layer,
--               whose input is the block input)
-- act: "relu" (RE) or "hswish" (HS).  Output: 1x1x1000, the class
-- probabilities.
return {
  name  = "mbv3s",
  input = { h = 224, w = 224, c = 3 },
  layers = {
    { name = "stem", op = "conv", k = 3, stride = 2, cout = 16, act = "hswish" },               -- -> 112x112x16

    -- block 1: 3x3, exp 16, out 16, SE, RE, s2
    { name = "d1", op = "dwconv", k = 3, stride = 2, act = "relu" },                              -- -> 56x56x16
    { name = "q1", op = "se", reduce = 8 },
    { name = "p1", op = "pwconv", cout = 16 },

    -- block 2: 3x3, exp 72, out 24, RE, s2
    { name = "e2", op = "pwconv", cout = 72, act = "relu" },
    { name = "d2", op = "dwconv", k = 3, stride = 2, act = "relu" },                              -- -> 28x28x72
    { name = "p2", op = "pwconv", cout = 24 },
    -- block 3: 3x3, exp 88, out 24, RE, s1
    { name = "e3", op = "pwconv", cout = 88, act = "relu" },
    { name = "d3", op = "dwconv", k = 3, act = "relu" },
    { name = "p3", op = "pwconv", cout = 24, residual = "e3" },

    -- block 4: 5x5, exp 96, out 40, SE, HS, s2
    { name = "e4", op = "pwconv", cout = 96, act = "hswish" },
    { name = "d4", op = "dwconv", k = 5, stride = 2, act = "hswish" },                            -- -> 14x14x96
    { name = "q4", op = "se", reduce = 24 },
    { name = "p4", op = "pwconv", cout = 40 },
    -- blocks 5, 6: 5x5, exp 240, out 40, SE, HS, s1
    { name = "e5", op = "pwconv", cout = 240, act = "hswish" },
    { name = "d5", op = "dwconv", k = 5, act = "hswish" },
    { name = "q5", op = "se", reduce = 64 },
    { name = "p5", op = "pwconv", cout = 40, residual = "e5" },
    { name = "e6", op = "pwconv", cout = 240, act = "hswish" },
    { name = "d6", op = "dwconv", k = 5, act = "hswish" },
    { name = "q6", op = "se", reduce = 64 },
    { name = "p6", op = "pwconv", cout = 40, residual = "e6" },
    -- block 7: 5x5, exp 120, out 48, SE, HS, s1
    { name = "e7", op = "pwconv", cout = 120, act = "hswish" },
    { name = "d7", op = "dwconv", k = 5, act = "hswish" },
    { name = "q7", op = "se", reduce = 32 },
    { name = "p7", op = "pwconv", cout = 48 },
    -- block 8: 5x5, exp 144, out 48, SE, HS, s1
    { name = "e8", op = "pwconv", cout = 144, act = "hswish" },
    { name = "d8", op = "dwconv", k = 5, act = "hswish" },
    { name = "q8", op = "se", reduce = 40 },
    { name = "p8", op = "pwconv", cout = 48, residual = "e8" },
    -- block 9: 5x5, exp 288, out 96, SE, HS, s2
    { name = "e9", op = "pwconv", cout = 288, act = "hswish" },
    { name = "d9", op = "dwconv", k = 5, stride = 2, act = "hswish" },                            -- -> 7x7x288
    { name = "q9", op = "se", reduce = 72 },
    { name = "p9", op = "pwconv", cout = 96 },
    -- blocks 10, 11: 5x5, exp 576, out 96, SE, HS, s1
    { name = "e10", op = "pwconv", cout = 576, act = "hswish" },
    { name = "d10", op = "dwconv", k = 5, act = "hswish" },
    { name = "q10", op = "se", reduce = 144 },
    { name = "p10", op = "pwconv", cout = 96, residual = "e10" },
    { name = "e11", op = "pwconv", cout = 576, act = "hswish" },
    { name = "d11", op = "dwconv", k = 5, act = "hswish" },
    { name = "q11", op = "se", reduce = 144 },
    { name = "p11", op = "pwconv", cout = 96, residual = "e11" },

    -- head: 1x1 conv to 576, pool, two classifier layers, softmax
    { name = "head", op = "pwconv", cout = 576, act = "hswish" },                                -- 7x7x576
    { name = "pool", op = "pool", type = "avg", global = true },                                  -- -> 1x1x576
    { name = "fc1",  op = "fc", cout = 1024, act = "hswish" },
    { name = "fc2",  op = "fc", cout = 1000 },                                                      -- logits
    { name = "prob", op = "softmax" },
  },
}
