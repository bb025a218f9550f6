-- expect: name
-- reserved layer name "packed_weights" (clashes with N_packed_weights)
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { name = "packed_weights", op = "dwconv" } } }
