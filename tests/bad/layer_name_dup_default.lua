-- expect: name
-- layer 2 named "l1", the default name of unnamed layer 1
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv" }, { name = "l1", op = "pwconv" } } }
