-- expect: type: must be "avg" or "max", got "mean"
return { name = "bad", input = { h = 8, w = 8, c = 4 }, layers = { { op = "pool", type = "mean", k = 2 } } }
