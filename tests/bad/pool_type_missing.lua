-- expect: layer 1 "p": type: missing
-- a pool needs its type
return { name = "bad", input = { h = 8, w = 8, c = 4 }, layers = { { name = "p", op = "pool", k = 2 } } }
