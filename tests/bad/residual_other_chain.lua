-- expect: residual
-- residual names a layer of another chain (same shape, but a new chain starts at c)
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = {
  { name = "a", op = "dwconv" },
  { name = "b", op = "pwconv" },
  { name = "c", op = "dwconv", input = { h = 8, w = 8, c = 8 } },
  { name = "d", op = "pwconv", residual = "a" },
} }
