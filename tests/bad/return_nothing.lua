-- expect: table
-- the file returns nothing
local net = { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv" } } }
