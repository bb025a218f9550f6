-- expect: window
-- window 5 larger than grid_in 4 in dimension 2
return { name = "bad", input = { h = 4, w = 4, c = 16 }, layers = {
  { op = "pwconv", topology = { grid_in = { 4, 4 }, grid_out = { 4, 4 }, window = { 1, 5 } } },
} }
