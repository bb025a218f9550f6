-- expect: name
-- net name starting with a digit
return { name = "9abc", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv" } } }
