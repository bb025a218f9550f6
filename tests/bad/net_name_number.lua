-- expect: name
-- net name that is a number, not a string
return { name = 42, input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv" } } }
