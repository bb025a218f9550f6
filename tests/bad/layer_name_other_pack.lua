-- expect: name
-- layer "b1_pack" clashes with the pack function of layer "b1"
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { name = "b1", op = "dwconv" }, { name = "b1_pack", op = "pwconv" } } }
