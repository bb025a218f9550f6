-- expect: name
-- net name of 33 characters (limit 32)
return { name = "abcdefghijklmnopqrstuvwxyz0123456", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv" } } }
