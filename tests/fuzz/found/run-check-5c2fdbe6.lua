-- fuzz: valid
-- found: make fuzz SEED=8, mutant 898 (examples/mobilenet_v2.lua: op "pwconv" -> "fc"), shrunk from 38 to 23 layers
-- failed: run-check on scalar
-- message: 96%: Checks: 25, Failures: 1, Errors: 0; out/check/mbv2_check.c:660:F:the whole net:test_forward:0: mbv2_forward: output 288: generated 9.75612073e-19, generic chain 1, |difference| 1 > tolerance 0.00209 (K = 17550)
-- signature: run-check|test_forward: output N: generated N, generic chain N, |difference| N > tolerance|scalar
-- fuzz-target: scalar
-- fixed: the softmax magnitude keeps a NaN input magnitude (an overflowed bound) instead of
--   skipping it: the tolerance was 2 gamma_K x 1 on outputs whose logits had no bound
return {
  name = "mbv2",
  input = { h = 224, w = 224, c = 3 },
  layers = {
    { name = "s4_2", op = "separable", input = { h = 14, w = 14, c = 384 }, k = 3, stride = 1, cout = 64, dw_act = "relu6", act = "none" },
    { name = "e4_3", op = "pwconv", cout = 384, act = "relu6" },
    { name = "s4_3", op = "separable", k = 3, stride = 1, cout = 64, dw_act = "relu6", act = "none", residual = "e4_3" },
    { name = "e4_4", op = "pwconv", cout = 384, act = "relu6" },
    { name = "s4_4", op = "separable", k = 3, stride = 1, cout = 64, dw_act = "relu6", act = "none", residual = "e4_4" },
    { name = "e5_1", op = "pwconv", cout = 384, act = "relu6" },
    { name = "s5_1", op = "separable", k = 3, stride = 1, cout = 96, dw_act = "relu6", act = "none" },
    { name = "e5_2", op = "pwconv", cout = 576, act = "relu6" },
    { name = "s5_2", op = "separable", k = 3, stride = 1, cout = 96, dw_act = "relu6", act = "none", residual = "e5_2" },
    { name = "e5_3", op = "pwconv", cout = 576, act = "relu6" },
    { name = "s5_3", op = "separable", k = 3, stride = 1, cout = 96, dw_act = "relu6", act = "none", residual = "e5_3" },
    { name = "e6_1", op = "pwconv", cout = 576, act = "relu6" },
    { name = "s6_1", op = "separable", k = 3, stride = 2, cout = 160, dw_act = "relu6", act = "none" },
    { name = "e6_2", op = "pwconv", cout = 960, act = "relu6" },
    { name = "s6_2", op = "separable", k = 3, stride = 1, cout = 160, dw_act = "relu6", act = "none", residual = "e6_2" },
    { name = "e6_3", op = "pwconv", cout = 960, act = "relu6" },
    { name = "s6_3", op = "separable", k = 3, stride = 1, cout = 160, dw_act = "relu6", act = "none", residual = "e6_3" },
    { name = "e7_1", op = "fc", cout = 960, act = "relu6" },
    { name = "s7_1", op = "separable", k = 3, stride = 1, cout = 320, dw_act = "relu6", act = "none" },
    { name = "head", op = "pwconv", cout = 1280, act = "relu6" },
    { name = "pool", op = "pool", type = "avg", global = true },
    { name = "fc", op = "fc", cout = 1000 },
    { name = "prob", op = "softmax" },
  },
}
