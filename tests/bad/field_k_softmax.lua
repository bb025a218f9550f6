-- expect: k: not a field of softmax
return { name = "bad", input = { h = 1, w = 1, c = 10 }, layers = { { op = "softmax", k = 3 } } }
