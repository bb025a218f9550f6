-- expect: residual
-- residual names the layer itself (not an earlier layer)
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = {
  { name = "a", op = "dwconv" },
  { name = "b", op = "pwconv", residual = "b" },
} }
