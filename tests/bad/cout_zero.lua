-- expect: cout
-- cout 0 (must be 1..65536)
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "pwconv", cout = 0 } } }
