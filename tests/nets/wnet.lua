-- sepgen-args: --weights tests/bad/weights/good.safetensors
-- Baked weights: one chain of a conv, a separable layer and an fc without
-- biases, generated with the weights of tests/bad/weights/good.safetensors
-- (so the golden files hold a <net>_weights.c); the net of the bad
-- weights files of tests/bad/weights (make.lua there).
return {
  name = "wnet",
  input = { h = 6, w = 6, c = 3 },
  layers = {
    { name = "c1", op = "conv", k = 3, stride = 2, cout = 8, act = "relu" },
    { name = "s2", op = "separable", k = 3, cout = 4 },
    { name = "f3", op = "fc", cout = 2, bias = false },
  },
}
