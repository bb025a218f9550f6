-- expect: k
-- kernel {3, 16}: width out of range
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "separable", k = { 3, 16 } } } }
