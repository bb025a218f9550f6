-- expect: input.h
-- input height 0 (must be 1..16384)
return { name = "bad", input = { h = 0, w = 8, c = 8 }, layers = { { op = "dwconv" } } }
