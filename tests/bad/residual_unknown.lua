-- expect: residual
-- residual names no layer
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = {
  { name = "a", op = "dwconv" },
  { name = "b", op = "pwconv", residual = "nosuch" },
} }
