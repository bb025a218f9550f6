-- expect: name
-- reserved layer name "forward" (clashes with N_forward)
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { name = "forward", op = "dwconv" } } }
