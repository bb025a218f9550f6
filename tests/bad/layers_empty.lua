-- expect: layers
-- empty layer list
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = {} }
