-- expect: getmetatable
-- sandbox: getmetatable is not available (it would reach the real string table)
local s = getmetatable("").__index
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv" } } }
