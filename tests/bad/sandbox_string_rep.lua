-- expect: rep
-- sandbox: string.rep result of 1 GiB (limit 1 MiB)
local s = string.rep("x", 2^30)
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv" } } }
