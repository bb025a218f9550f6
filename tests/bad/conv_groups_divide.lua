-- expect: groups: must divide the input channels (6) and cout (8), got 4
return { name = "bad", input = { h = 4, w = 4, c = 6 }, layers = { { op = "conv", cout = 8, groups = 4 } } }
