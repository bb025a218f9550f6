-- expect: residual
-- residual names a layer whose input (8x8x8) differs from the output (8x8x16)
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = {
  { name = "a", op = "dwconv" },
  { name = "b", op = "pwconv", cout = 16, residual = "a" },
} }
