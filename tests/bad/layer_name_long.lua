-- expect: name
-- layer name of 33 characters (limit 32)
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { name = "abcdefghijklmnopqrstuvwxyz0123456", op = "dwconv" } } }
