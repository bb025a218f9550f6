-- One chain through every whole-net op, small enough for the sanitizers on
-- every target: N_forward with random weights packed at run time and with
-- weights baked in (tests/scripts/net.sh), its arena planned around two
-- named skips.  A MobileNet v3-like body: stem conv (3 channels, stride 2,
-- hswish), max pool, a block without expansion (dw, se, project), an
-- expansion block with a 24-channel projection and a named residual, a
-- grouped conv, a block whose skip spans an se, global average pool, two fc
-- layers and softmax.
return {
  name = "chain",
  input = { h = 29, w = 27, c = 3 },
  layers = {
    { name = "stem", op = "conv", k = 3, stride = 2, cout = 16, act = "hswish" },   -- 15x14x16
    { name = "mp",   op = "pool", type = "max", k = 3, stride = 1, pad = "same" },
    { name = "d1",   op = "dwconv", k = 3, act = "relu" },
    { name = "q1",   op = "se", reduce = 8 },
    { name = "p1",   op = "pwconv", cout = 16, residual = "d1" },
    { name = "e2",   op = "pwconv", cout = 72, act = "hswish" },
    { name = "d2",   op = "dwconv", k = 5, stride = 2, act = "hswish" },              -- 8x7x72
    { name = "q2",   op = "se", reduce = 24, gate = "sigmoid" },
    { name = "p2",   op = "pwconv", cout = 24 },
    { name = "g3",   op = "conv", k = 3, groups = 4, cout = 24, act = "relu6", residual = true },
    { name = "e4",   op = "pwconv", cout = 48, act = "hswish" },
    { name = "s4",   op = "separable", k = 3, cout = 24, dw_act = "hswish", residual = "e4" },
    { name = "ap",   op = "pool", type = "avg", k = 2, stride = 2, act = "relu" },   -- 4x3x24
    { name = "gap",  op = "pool", type = "avg", global = true },
    { name = "fc1",  op = "fc", cout = 40, act = "hswish" },
    { name = "fc2",  op = "fc", cout = 10 },
    { name = "prob", op = "softmax" },
  },
}
