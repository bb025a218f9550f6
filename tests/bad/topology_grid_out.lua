-- expect: topology
-- product of grid_out (32) is not cout (16)
return { name = "bad", input = { h = 4, w = 4, c = 16 }, layers = {
  { op = "pwconv", cout = 16, topology = { grid_in = { 4, 4 }, grid_out = { 4, 8 }, window = { 1, 4 } } },
} }
