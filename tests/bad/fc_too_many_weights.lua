-- expect: packed weights
-- 224 x 224 x 64 inputs into 1000 outputs: 3.2e9 weights
return { name = "bad", input = { h = 224, w = 224, c = 64 }, layers = { { op = "fc", cout = 1000 } } }
