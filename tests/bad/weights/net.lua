-- The net of the bad weights files (tests/bad/weights/make.lua): one chain
-- of a conv, a separable layer and an fc without biases.
return {
  name = "wnet",
  input = { h = 6, w = 6, c = 3 },
  layers = {
    { name = "c1", op = "conv", k = 3, stride = 2, cout = 8, act = "relu" },
    { name = "s2", op = "separable", k = 3, cout = 4 },
    { name = "f3", op = "fc", cout = 2, bias = false },
  },
}
