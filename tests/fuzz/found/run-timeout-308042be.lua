-- fuzz: valid
-- found: make fuzz SEED=10, mutant 1683 (examples/mobilenet_v1.lua: number 512 -> 51201), shrunk from 17 to 9 layers
-- failed: run-timeout on scalar
-- message: the Check program ran over 120s
-- signature: run-timeout||scalar
-- fuzz-target: scalar
-- fixed: not a generator fault: a valid 8 G-MAC net whose Check program (generic kernels
--   included) runs for minutes; tests/fuzz/case.sh compiles nets over FUZZ_RUN_MAX_MACS
--   (2 G) with -Werror and does not run them
return {
  name = "mbv1",
  input = { h = 224, w = 224, c = 3 },
  layers = {
    { name = "stem", op = "conv", k = 3, stride = 2, pad = "same", cout = 32, act = "relu6" },
    { name = "b1", op = "separable", k = 3, stride = 1, pad = "same", cout = 64, dw_act = "relu6", act = "relu6" },
    { name = "b2", op = "separable", k = 3, stride = 2, pad = "same", cout = 128, dw_act = "relu6", act = "relu6" },
    { name = "b3", op = "separable", k = 3, stride = 1, pad = "same", cout = 128, dw_act = "relu6", act = "relu6" },
    { name = "b4", op = "separable", k = 3, stride = 2, pad = "same", cout = 256, dw_act = "relu6", act = "relu6" },
    { name = "b5", op = "separable", k = 3, stride = 1, pad = "same", cout = 256, dw_act = "relu6", act = "relu6" },
    { name = "b6", op = "separable", k = 3, stride = 2, pad = "same", cout = 51201, dw_act = "relu6", act = "relu6" },
    { name = "b7", op = "separable", k = 3, stride = 1, pad = "same", cout = 512, dw_act = "relu6", act = "relu6" },
    { name = "prob", op = "softmax", input = { h = 1, w = 1, c = 1000 } },
  },
}
