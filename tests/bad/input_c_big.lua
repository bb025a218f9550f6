-- expect: input.c
-- input channels 65537 (must be 1..65536)
return { name = "bad", input = { h = 8, w = 8, c = 65537 }, layers = { { op = "dwconv" } } }
