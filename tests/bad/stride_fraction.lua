-- expect: stride
-- stride 1.5 is not an integer
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv", stride = 1.5 } } }
