-- MobileNet v1 1.0 (Howard et al., arXiv 1704.04861), 224x224 input.
--
-- The whole network: the stem (a full 3x3 stride-2 convolution, 224x224x3 ->
-- 112x112x32), 13 depthwise-separable blocks (a 3x3 depthwise conv + BN +
-- ReLU6 followed by a 1x1 projection + BN + ReLU6; batch norm is folded into
-- the biases), the global average pool, the 1000-class classifier and the
-- softmax.  Output: 1x1x1000, the class probabilities.
return {
  name  = "mbv1",
  input = { h = 224, w = 224, c = 3 },
  layers = {
    { name = "stem", op = "conv", k = 3, stride = 2, pad = "same", cout = 32, act = "relu6" },        -- -> 112x112x32
    { name = "b1",  op = "separable", k = 3, stride = 1, pad = "same", cout = 64,   dw_act = "relu6", act = "relu6" }, -- 112x112
    { name = "b2",  op = "separable", k = 3, stride = 2, pad = "same", cout = 128,  dw_act = "relu6", act = "relu6" }, -- -> 56x56
    { name = "b3",  op = "separable", k = 3, stride = 1, pad = "same", cout = 128,  dw_act = "relu6", act = "relu6" },
    { name = "b4",  op = "separable", k = 3, stride = 2, pad = "same", cout = 256,  dw_act = "relu6", act = "relu6" }, -- -> 28x28
    { name = "b5",  op = "separable", k = 3, stride = 1, pad = "same", cout = 256,  dw_act = "relu6", act = "relu6" },
    { name = "b6",  op = "separable", k = 3, stride = 2, pad = "same", cout = 512,  dw_act = "relu6", act = "relu6" }, -- -> 14x14
    { name = "b7",  op = "separable", k = 3, stride = 1, pad = "same", cout = 512,  dw_act = "relu6", act = "relu6" },
    { name = "b8",  op = "separable", k = 3, stride = 1, pad = "same", cout = 512,  dw_act = "relu6", act = "relu6" },
    { name = "b9",  op = "separable", k = 3, stride = 1, pad = "same", cout = 512,  dw_act = "relu6", act = "relu6" },
    { name = "b10", op = "separable", k = 3, stride = 1, pad = "same", cout = 512,  dw_act = "relu6", act = "relu6" },
    { name = "b11", op = "separable", k = 3, stride = 1, pad = "same", cout = 512,  dw_act = "relu6", act = "relu6" },
    { name = "b12", op = "separable", k = 3, stride = 2, pad = "same", cout = 1024, dw_act = "relu6", act = "relu6" }, -- -> 7x7
    { name = "b13", op = "separable", k = 3, stride = 1, pad = "same", cout = 1024, dw_act = "relu6", act = "relu6" },
    { name = "pool", op = "pool", type = "avg", global = true },                                      -- -> 1x1x1024
    { name = "fc",   op = "fc", cout = 1000 },                                                          -- logits
    { name = "prob", op = "softmax" },
  },
}
