-- expect: load
-- sandbox: load is not available
local f = load("return 1")
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv" } } }
