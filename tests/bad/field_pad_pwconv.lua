-- expect: pad
-- pad is not a pwconv field
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "pwconv", pad = "same" } } }
