-- expect: height
-- 5x5 kernel with valid padding on a 2x8 input: output height 2-5+1 < 1 (width is fine)
return { name = "bad", input = { h = 2, w = 8, c = 8 }, layers = { { op = "dwconv", k = 5, pad = "valid" } } }
