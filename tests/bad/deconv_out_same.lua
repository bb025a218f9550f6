-- expect: out
-- dwdeconv stride 2, same: out.h 15 maps to ceil(15/2) = 8 rows, not the input 7
return { name = "bad", input = { h = 7, w = 7, c = 8 }, layers = { { op = "dwdeconv", stride = 2, out = { h = 15, w = 14 } } } }
