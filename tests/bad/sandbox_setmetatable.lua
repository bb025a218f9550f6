-- expect: setmetatable
-- sandbox: setmetatable is not available
local t = setmetatable({}, {})
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv" } } }
