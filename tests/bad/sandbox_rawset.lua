-- expect: rawset
-- sandbox: rawset is not available
rawset({}, "x", 1)
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv" } } }
