-- A small chain with one layer of each main kind, easy to read in full in
-- tests/golden/<target>/golden/ (the recorded output of every test net).
return {
  name = "golden",
  input = { h = 6, w = 5, c = 8 },
  layers = {
    { name = "d1", op = "dwconv",     k = 3, act = "relu" },                                 -- 6x5x8
    { name = "p2", op = "pwconv",     cout = 12, groups = 4, act = "relu6" },               -- 6x5x12, 2 inputs -> 3 outputs per group
    { name = "s3", op = "separable",  k = 3, cout = 12, dw_act = "relu6", residual = true }, -- 6x5x12
    { name = "b4", op = "bottleneck", k = 3, stride = 2, cout = 12, act = "relu" },          -- 6x5x12, mid 3x3
  },
}
