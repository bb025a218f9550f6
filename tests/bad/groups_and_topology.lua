-- expect: groups
-- groups together with topology
return { name = "bad", input = { h = 4, w = 4, c = 16 }, layers = {
  { op = "pwconv", groups = 2, topology = { grid_in = { 4, 4 }, grid_out = { 4, 4 }, window = { 1, 4 } } },
} }
