-- bench/mcu/layers.lua: the held-out layer set of `make bench-mcu`: small
-- separable, depthwise and pointwise layers of the sizes a microcontroller
-- runs (8x8 to 24x24 pixels, 16 to 64 channels), none of them a test net's.
-- 3x3 at stride 1 and 2, 5x5, channel multiplier 2, dilation 2, a channel
-- count off the 8-channel depthwise tile (20) and one off the 4-channel
-- projection panel (cout 36).  Each layer is its own chain.
return {
  name = "mcul",
  layers = {
    { name = "sep3s1", op = "separable", input = { h = 16, w = 16, c = 32 }, cout = 32, dw_act = "relu", act = "relu" },
    { name = "sep3s2", op = "separable", input = { h = 24, w = 24, c = 16 }, stride = 2, cout = 32,
      dw_act = "relu6", act = "relu6" },
    { name = "sep5",   op = "separable", input = { h = 12, w = 12, c = 24 }, k = 5, cout = 48, act = "relu" },
    { name = "sepm2",  op = "separable", input = { h = 12, w = 12, c = 16 }, mult = 2, cout = 32, act = "relu" },
    { name = "sepd2",  op = "separable", input = { h = 16, w = 16, c = 24 }, dilation = 2, cout = 24 },
    { name = "sep64",  op = "separable", input = { h = 8,  w = 8,  c = 64 }, cout = 64, dw_act = "relu", act = "relu" },
    { name = "sepc20", op = "separable", input = { h = 10, w = 10, c = 20 }, cout = 36, act = "relu" },
    { name = "dw3s1",  op = "dwconv",    input = { h = 20, w = 20, c = 32 }, act = "relu" },
    { name = "dw3s2",  op = "dwconv",    input = { h = 24, w = 24, c = 48 }, stride = 2, act = "relu6" },
    { name = "dw5",    op = "dwconv",    input = { h = 16, w = 16, c = 40 }, k = 5 },
    { name = "dwm2",   op = "dwconv",    input = { h = 10, w = 10, c = 24 }, mult = 2 },
    { name = "pw16",   op = "pwconv",    input = { h = 24, w = 24, c = 16 }, cout = 32, act = "relu" },
    { name = "pw64",   op = "pwconv",    input = { h = 8,  w = 8,  c = 64 }, cout = 64 },
    { name = "pw48",   op = "pwconv",    input = { h = 12, w = 12, c = 48 }, cout = 24, act = "relu6" },
  },
}
