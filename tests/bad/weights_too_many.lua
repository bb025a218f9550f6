-- expect: weights
-- dense 65536 -> 65536 projection: 2^32 weights (limit: below 2^31)
return { name = "bad", input = { h = 1, w = 1, c = 65536 }, layers = { { op = "pwconv", cout = 65536 } } }
