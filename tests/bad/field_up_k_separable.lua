-- expect: up_k
-- up_k is only a bottleneck field
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "separable", up_k = 3 } } }
