-- expect: bias: not a field of pool
return { name = "bad", input = { h = 4, w = 4, c = 6 }, layers = { { op = "pool", type = "avg", k = 2, bias = false } } }
