-- expect: 65536
-- every tensor obeys the input ranges: 2048 channels x mult 64 = 131072 output channels (limit 65536)
return { name = "bad", input = { h = 1, w = 1, c = 2048 }, layers = { { op = "dwconv", k = 1, mult = 64 } } }
