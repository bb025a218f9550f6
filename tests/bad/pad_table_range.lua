-- expect: pad
-- pad {0, 0, 0, 5}: right 5 > (kw-1)*dw = 4 for a 3x5 kernel
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv", k = { 3, 5 }, pad = { 0, 0, 0, 5 } } } }
