-- expect: groups
-- groups 8 does not divide cout 12
return { name = "bad", input = { h = 4, w = 4, c = 16 }, layers = { { op = "pwconv", cout = 12, groups = 8 } } }
