-- expect: k: missing: a pool needs its window k, or global = true
return { name = "bad", input = { h = 8, w = 8, c = 4 }, layers = { { op = "pool", type = "max" } } }
