-- expect: out
-- out is only a dwdeconv field
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv", out = { h = 8, w = 8 } } } }
