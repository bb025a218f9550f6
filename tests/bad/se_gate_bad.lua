-- expect: gate: must be "hsigmoid" or "sigmoid", got "relu"
return { name = "bad", input = { h = 4, w = 4, c = 16 }, layers = { { op = "se", reduce = 4, gate = "relu" } } }
