-- expect: recursion.lua:4: recursion too deep (stack overflow)
-- A function that calls itself without end: every Lua reports the line
-- (LuaJIT gives none in its own message; the sandbox finds it).
local function depth(n) return depth(n + 1) + 1 end
return { name = "n", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv", k = depth(1) } } }
