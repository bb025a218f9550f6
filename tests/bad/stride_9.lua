-- expect: stride
-- stride 9 (must be 1..8)
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv", stride = 9 } } }
