-- expect: version
-- unknown net-level field
return { name = "bad", version = 2, input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv" } } }
