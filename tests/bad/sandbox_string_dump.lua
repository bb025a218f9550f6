-- expect: dump
-- sandbox: string.dump is not available
local b = string.dump(function() end)
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv" } } }
