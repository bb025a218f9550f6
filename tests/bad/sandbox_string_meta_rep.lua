-- expect: rep
-- sandbox: the 1 MiB string.rep limit also holds for (\"x\"):rep via the string metatable
local s = ("x"):rep(2^30)
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv" } } }
