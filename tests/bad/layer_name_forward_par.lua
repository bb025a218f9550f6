-- expect: name
-- reserved layer name "forward_par" (clashes with N_forward_par)
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { name = "forward_par", op = "dwconv" } } }
