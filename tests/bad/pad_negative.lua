-- expect: pad
-- negative pad
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwdeconv", pad = -1 } } }
