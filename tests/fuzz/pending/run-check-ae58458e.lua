-- fuzz: valid
-- found: make fuzz SEED=1, mutant 32 (examples/mobilenet_v2.lua: op "pwconv" -> "fc"), shrunk from 28 to 20 layers
-- failed: run-check on scalar
-- message: 95%: Checks: 22, Failures: 1, Errors: 0; out/check/net_check.c:394:F:the whole net:test_forward:0: net_forward: output 6: generated 6, generic chain 6, |difference| 0 > tolerance -nan (K = 304998)
-- signature: run-check|test_forward: output N: generated N, generic chain N, |difference| N > tolerance|scalar
-- fuzz-target: scalar
return {
  name = "net",
  layers = {
    { op = "separable", input = { h = 56, w = 56, c = 144 }, cout = 32 },
    { name = "e3_2", op = "pwconv" },
    { op = "separable" },
    { name = "e3_3", op = "pwconv" },
    { op = "separable" },
    { op = "pwconv" },
    { op = "separable", cout = 64 },
    { name = "e4_2", op = "pwconv", cout = 384 },
    { op = "separable", cout = 64 },
    { name = "e4_3", op = "pwconv", cout = 384 },
    { op = "separable", cout = 64 },
    { name = "e4_4", op = "pwconv", cout = 384 },
    { op = "separable", stride = 1 },
    { name = "e5_1", op = "pwconv", cout = 384, act = "relu6" },
    { name = "s5_1", op = "separable", k = 3, stride = 1, cout = 96, dw_act = "relu6", act = "none" },
    { name = "e5_2", op = "pwconv", cout = 576, act = "relu6" },
    { name = "s5_2", op = "separable", k = 3, stride = 1, cout = 96, dw_act = "relu6", act = "none", residual = "e5_2" },
    { name = "e5_3", op = "pwconv", cout = 576, act = "relu6" },
    { name = "s5_3", op = "separable", k = 3, stride = 1, cout = 96, dw_act = "relu6", act = "none", residual = "e5_3" },
    { name = "e6_1", op = "fc", cout = 576, act = "relu6" },
  },
}
