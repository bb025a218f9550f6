-- expect: residual
-- residual = true on a stride-2 layer (output 4x4x8, input 8x8x8)
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv", stride = 2, residual = true } } }
