-- expect: input.w
-- input without w
return { name = "bad", input = { h = 8, c = 8 }, layers = { { op = "dwconv" } } }
