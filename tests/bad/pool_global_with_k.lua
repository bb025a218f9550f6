-- expect: k: not with global = true
return { name = "bad", input = { h = 8, w = 8, c = 4 }, layers = { { op = "pool", type = "avg", global = true, k = 2 } } }
