-- expect: out
-- dwdeconv 3x3 stride 2 valid on 7x7: out.w 17 maps to floor((17-3)/2)+1 = 8, not 7
return { name = "bad", input = { h = 7, w = 7, c = 8 }, layers = { { op = "dwdeconv", stride = 2, pad = "valid", out = { h = 15, w = 17 } } } }
