-- expect: topology
-- grid_in has 2 dimensions, grid_out 3
return { name = "bad", input = { h = 4, w = 4, c = 16 }, layers = {
  { op = "pwconv", topology = { grid_in = { 4, 4 }, grid_out = { 2, 2, 4 }, window = { 1, 4 } } },
} }
