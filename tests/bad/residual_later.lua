-- expect: residual
-- residual names a later layer
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = {
  { name = "a", op = "dwconv", residual = "b" },
  { name = "b", op = "pwconv" },
} }
