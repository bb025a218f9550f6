-- expect: reduce: missing
return { name = "bad", input = { h = 4, w = 4, c = 16 }, layers = { { op = "se" } } }
