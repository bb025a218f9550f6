-- expect: groups
-- groups 3 does not divide Cin 8
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "separable", cout = 9, groups = 3 } } }
