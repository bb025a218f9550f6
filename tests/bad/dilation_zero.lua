-- expect: dilation
-- dilation 0 (must be 1..8)
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv", dilation = 0 } } }
