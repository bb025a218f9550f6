-- expect: name
-- reserved layer name "pack" (clashes with N_pack)
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { name = "pack", op = "dwconv" } } }
