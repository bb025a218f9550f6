-- expect: cout: missing: the number of outputs of the fully connected layer
return { name = "bad", input = { h = 1, w = 1, c = 64 }, layers = { { op = "fc" } } }
