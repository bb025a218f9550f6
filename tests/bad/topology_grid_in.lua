-- expect: topology
-- product of grid_in (12) is not Cin (16)
return { name = "bad", input = { h = 4, w = 4, c = 16 }, layers = {
  { op = "pwconv", topology = { grid_in = { 3, 4 }, grid_out = { 4, 4 }, window = { 1, 4 } } },
} }
