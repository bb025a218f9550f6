-- A second held-out set of small separable layers for make bench-mcu, written
-- after the scalar tiles were tuned (on other sizes): multipliers 2 to 5, 5x5 at
-- stride 2, odd sizes, an hswish.
return {
  name = "ho",
  layers = {
    { name = "a", op = "separable", input = { h = 14, w = 13, c = 20 }, mult = 2, cout = 28, act = "relu" },
    { name = "b", op = "separable", input = { h = 15, w = 11, c = 12 }, k = 5, stride = 2, cout = 24, dw_act = "relu6" },
    { name = "c", op = "separable", input = { h = 9, w = 7, c = 10 }, mult = 3, cout = 18 },
    { name = "d", op = "separable", input = { h = 6, w = 6, c = 40 }, stride = 2, cout = 80, act = "relu" },
    { name = "e", op = "separable", input = { h = 11, w = 17, c = 6 }, k = 5, mult = 2, cout = 14 },
    { name = "f", op = "separable", input = { h = 5, w = 5, c = 7 }, cout = 9, residual = false },
    { name = "g", op = "separable", input = { h = 20, w = 3, c = 9 }, k = 3, stride = 2, mult = 4, cout = 11, act = "hswish" },
    { name = "h", op = "separable", input = { h = 8, w = 8, c = 16 }, mult = 5, cout = 16 },
  },
}
