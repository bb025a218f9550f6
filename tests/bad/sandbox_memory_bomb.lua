-- expect: memory
-- allocates 8192 distinct 64 KiB strings (512 MiB) in about 100k instructions: stopped at 256 MiB
local t = {}
for i = 1, 8192 do t[i] = string.rep("x", 65536) .. i end
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv" } } }
