-- expect: window
-- window 0 in dimension 1
return { name = "bad", input = { h = 4, w = 4, c = 16 }, layers = {
  { op = "bottleneck", topology = { grid_in = { 4, 4 }, grid_out = { 4, 4 }, window = { 0, 4 } } },
} }
