-- expect: stride
-- stride {2, 0}
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "bottleneck", stride = { 2, 0 } } } }
