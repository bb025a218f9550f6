-- expect: dilation
-- dilation is not a bottleneck field
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "bottleneck", stride = 2, dilation = 2 } } }
