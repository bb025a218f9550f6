-- bench/mcu/dscnn.lua: a small whole net for `make bench-mcu`: the DS-CNN
-- keyword-spotting net "small" of Zhang, Suda, Lai, Chandra, "Hello Edge:
-- Keyword Spotting on Microcontrollers" (arXiv 1711.07128), the usual
-- separable net of Cortex-M benchmarks: 49x10 MFCC features, a 10x4
-- stride-2 convolution to 64 channels, four 3x3 depthwise-separable layers
-- of 64 channels, global average pool, a 12-class classifier and the
-- softmax.  Batch norm is folded into the biases.  About 2.7M MACs.
return {
  name  = "dscnn",
  input = { h = 49, w = 10, c = 1 },
  layers = {
    { name = "conv1", op = "conv", k = { 10, 4 }, stride = 2, cout = 64, act = "relu" },
    { name = "ds1", op = "separable", cout = 64, dw_act = "relu", act = "relu" },
    { name = "ds2", op = "separable", cout = 64, dw_act = "relu", act = "relu" },
    { name = "ds3", op = "separable", cout = 64, dw_act = "relu", act = "relu" },
    { name = "ds4", op = "separable", cout = 64, dw_act = "relu", act = "relu" },
    { name = "pool", op = "pool", type = "avg", global = true },
    { name = "fc", op = "fc", cout = 12 },
    { name = "softmax", op = "softmax" },
  },
}
