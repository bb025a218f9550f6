-- expect: act
-- activation with min > max
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "pwconv", act = { min = 2, max = 1 } } } }
