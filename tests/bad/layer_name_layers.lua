-- expect: name
-- reserved layer name "layers" (clashes with N_layers)
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { name = "layers", op = "dwconv" } } }
