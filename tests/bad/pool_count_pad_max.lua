-- expect: count_pad: applies to type = "avg" only
return { name = "bad", input = { h = 8, w = 8, c = 4 }, layers = { { op = "pool", type = "max", k = 2, count_pad = true } } }
