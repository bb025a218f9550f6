-- expect: did you mean
-- misspelt field "strid" (stride)
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv", strid = 2 } } }
