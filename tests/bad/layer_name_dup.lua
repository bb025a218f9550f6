-- expect: name
-- two layers with the same name
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { name = "conv", op = "dwconv" }, { name = "conv", op = "pwconv" } } }
