-- MobileNet v1 1.0 (Howard et al., arXiv 1704.04861), 224x224 input.
--
-- The 13 depthwise-separable blocks that follow the first full 3x3 stride-2
-- convolution (224x224x3 -> 112x112x32, not a separable layer, so it is not
-- part of this file).  Each block is a 3x3 depthwise conv + BN + ReLU6
-- followed by a 1x1 projection + BN + ReLU6; batch norm is folded into the
-- biases.  The average pool and the classifier after b13 are not included.
-- Output: 7x7x1024.
return {
  name  = "mbv1",
  input = { h = 112, w = 112, c = 32 },
  layers = {
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
  },
}
