-- expect: dw_act
-- dw_act given as a number
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "separable", dw_act = 6 } } }
