-- expect: name
-- no net name
return { input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv" } } }
