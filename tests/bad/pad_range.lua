-- expect: pad
-- integer pad 3 with a 3x3 kernel (each side 0..(k-1)*d = 0..2)
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv", k = 3, pad = 3 } } }
