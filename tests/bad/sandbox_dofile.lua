-- expect: dofile
-- sandbox: dofile is not available
dofile("/dev/null")
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv" } } }
