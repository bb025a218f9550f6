-- MobileNet v1 0.25 at 96x96 (Howard et al., arXiv 1704.04861), sized for
-- the Visual Wake Words task (Chowdhery et al., arXiv 1906.05721): is there
-- a person in the picture?  The microcontroller example of examples/mcu/.
--
-- MobileNet v1 (examples/mobilenet_v1.lua) with every channel count times
-- 0.25 and a 96x96x3 input: the stem (a full 3x3 stride-2 convolution,
-- 96x96x3 -> 48x48x8), 13 depthwise-separable blocks (a 3x3 depthwise conv +
-- BN + ReLU6, then a 1x1 projection + BN + ReLU6; batch norm folded into the
-- biases), the global average pool, a 2-class classifier (0: no person,
-- 1: person) and the softmax.  Output: 1x1x2, the class probabilities.
return {
  name  = "vww",
  input = { h = 96, w = 96, c = 3 },
  layers = {
    { name = "stem", op = "conv", k = 3, stride = 2, pad = "same", cout = 8, act = "relu6" },         -- -> 48x48x8
    { name = "b1",  op = "separable", k = 3, stride = 1, pad = "same", cout = 16,  dw_act = "relu6", act = "relu6" }, -- 48x48
    { name = "b2",  op = "separable", k = 3, stride = 2, pad = "same", cout = 32,  dw_act = "relu6", act = "relu6" }, -- -> 24x24
    { name = "b3",  op = "separable", k = 3, stride = 1, pad = "same", cout = 32,  dw_act = "relu6", act = "relu6" },
    { name = "b4",  op = "separable", k = 3, stride = 2, pad = "same", cout = 64,  dw_act = "relu6", act = "relu6" }, -- -> 12x12
    { name = "b5",  op = "separable", k = 3, stride = 1, pad = "same", cout = 64,  dw_act = "relu6", act = "relu6" },
    { name = "b6",  op = "separable", k = 3, stride = 2, pad = "same", cout = 128, dw_act = "relu6", act = "relu6" }, -- -> 6x6
    { name = "b7",  op = "separable", k = 3, stride = 1, pad = "same", cout = 128, dw_act = "relu6", act = "relu6" },
    { name = "b8",  op = "separable", k = 3, stride = 1, pad = "same", cout = 128, dw_act = "relu6", act = "relu6" },
    { name = "b9",  op = "separable", k = 3, stride = 1, pad = "same", cout = 128, dw_act = "relu6", act = "relu6" },
    { name = "b10", op = "separable", k = 3, stride = 1, pad = "same", cout = 128, dw_act = "relu6", act = "relu6" },
    { name = "b11", op = "separable", k = 3, stride = 1, pad = "same", cout = 128, dw_act = "relu6", act = "relu6" },
    { name = "b12", op = "separable", k = 3, stride = 2, pad = "same", cout = 256, dw_act = "relu6", act = "relu6" }, -- -> 3x3
    { name = "b13", op = "separable", k = 3, stride = 1, pad = "same", cout = 256, dw_act = "relu6", act = "relu6" },
    { name = "pool", op = "pool", type = "avg", global = true },                                       -- -> 1x1x256
    { name = "fc",   op = "fc", cout = 2 },                                                             -- logits
    { name = "prob", op = "softmax" },
  },
}
