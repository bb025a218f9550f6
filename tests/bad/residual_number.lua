-- expect: residual
-- residual given as a number
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "pwconv", residual = 1 } } }
