-- expect: dump
-- sandbox: string.dump reached through the string metatable ((\"\").dump) must not exist either
local b = ("").dump(function() end)
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv" } } }
