-- expect: pad
-- unknown pad string
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv", pad = "full" } } }
