-- expect: residual
-- residual = true on a bottleneck with cout 16 != Cin 8
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "bottleneck", stride = 2, cout = 16, residual = true } } }
