-- expect: cout
-- cout is not a dwconv field
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv", cout = 8 } } }
