-- expect: k
-- kernel size 16 (must be 1..15)
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv", k = 16 } } }
