-- expect: mult
-- channel multiplier 65 (must be 1..64)
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv", mult = 65 } } }
