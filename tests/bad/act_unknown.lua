-- expect: act
-- unknown activation name
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv", act = "gelu" } } }
