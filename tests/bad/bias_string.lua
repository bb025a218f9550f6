-- expect: bias
-- bias given as a string instead of a boolean
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "pwconv", bias = "false" } } }
