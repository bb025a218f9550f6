-- expect: mult
-- mult is not allowed on dwdeconv
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwdeconv", stride = 2, mult = 1 } } }
