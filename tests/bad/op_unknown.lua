-- expect: conv2d
-- unknown op
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "conv2d", k = 3 } } }
