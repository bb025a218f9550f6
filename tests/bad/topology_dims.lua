-- expect: topology
-- topology with 9 dimensions (at most 8)
return { name = "bad", input = { h = 2, w = 2, c = 512 }, layers = {
  { op = "pwconv", topology = { grid_in = { 2, 2, 2, 2, 2, 2, 2, 2, 2 }, grid_out = { 2, 2, 2, 2, 2, 2, 2, 2, 2 },
                                window = { 1, 1, 1, 1, 1, 1, 1, 1, 1 } } },
} }
