-- expect: name
-- layer name that would close a C comment
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { name = "a*/b", op = "dwconv" } } }
