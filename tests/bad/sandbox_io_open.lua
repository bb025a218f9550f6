-- expect: io
-- sandbox: io is not available
local f = io.open("/etc/passwd")
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv" } } }
