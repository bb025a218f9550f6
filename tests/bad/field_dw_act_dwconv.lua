-- expect: dw_act
-- dw_act is not a dwconv field
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv", dw_act = "relu" } } }
