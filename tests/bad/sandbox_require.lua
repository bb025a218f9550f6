-- expect: require
-- sandbox: require is not available
local m = require("os")
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv" } } }
