-- expect: debug
-- sandbox: debug is not available
local i = debug.getinfo(1)
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv" } } }
