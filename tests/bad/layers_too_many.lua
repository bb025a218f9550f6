-- expect: layers
-- 4097 layers (limit 4096)
local t = {}
for i = 1, 4097 do t[i] = { op = "pwconv" } end
return { name = "bad", input = { h = 1, w = 1, c = 1 }, layers = t }
