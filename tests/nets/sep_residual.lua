-- separable with grouped and topological projections, residual = true and
-- named residuals (skips across 2, 3 and 5 layers) inside chains, including
-- the MobileNet v2 pattern (expansion pwconv + separable with
-- residual = "<expansion>") on odd channel counts.  Four chains plus
-- single-layer chains.
return {
  name = "sep_residual",
  layers = {
    -- chain A: 9x9x16
    { name = "a1", op = "separable", input = { h = 9, w = 9, c = 16 }, cout = 16, residual = true, act = "relu" },
    { name = "a2", op = "separable", dw_act = "relu6", residual = true,
      topology = { grid_in = { 4, 4 }, grid_out = { 4, 4 }, window = { 2, 3 } } },
    { name = "a3", op = "separable", k = 5, mult = 2, cout = 16, groups = 2, residual = "a1" },  -- skip over a1..a3

    -- chain B: 13x13x17, inverted residuals
    { name = "b1", op = "pwconv",    input = { h = 13, w = 13, c = 17 }, cout = 51, act = "relu6" },
    { name = "b2", op = "separable", cout = 17, dw_act = "relu6", residual = "b1" },             -- x = b1's input
    { name = "b3", op = "pwconv",    cout = 34, act = "relu6" },
    { name = "b4", op = "separable", cout = 17, dw_act = "relu6", residual = "b3" },
    { name = "b5", op = "separable", k = 5, cout = 17, act = "relu", residual = "b1" },         -- skip over b1..b5

    -- chain C: 15x15x8 -> 8x8x16
    { name = "c1", op = "separable", input = { h = 15, w = 15, c = 8 }, stride = 2, cout = 16, act = "relu6" },
    { name = "c2", op = "separable", residual = true,
      topology = { grid_in = { 2, 2, 4 }, grid_out = { 4, 2, 2 }, window = { 1, 2, 3 } } },
    { name = "c3", op = "separable", cout = 16, groups = 4, residual = "c2", bias = false },

    -- chain D: 7x9x33, stride-2 layer then skip over a dwconv + separable
    { name = "d1", op = "separable", input = { h = 7, w = 9, c = 33 }, stride = 2, cout = 31 },  -- -> 4x5x31
    { name = "d2", op = "dwconv",    k = 5, act = "relu" },
    { name = "d3", op = "separable", mult = 3, cout = 31, residual = "d2",
      topology = { grid_in = { 3, 31 }, grid_out = { 1, 31 }, window = { 3, 2 } } },

    -- single layers
    { name = "t1", op = "separable", input = { h = 7, w = 7, c = 8 }, mult = 3, cout = 9,
      topology = { grid_in = { 24 }, grid_out = { 9 }, window = { 7 } } },
    { name = "gdw", op = "separable", input = { h = 5, w = 9, c = 8 }, mult = 2, groups = 16 }, -- projection one-to-one
    { name = "rnb", op = "separable", input = { h = 14, w = 13, c = 9 }, k = { 3, 5 }, cout = 9,
      bias = false, act = "relu", residual = true },
    { name = "rpx", op = "separable", input = { h = 1, w = 1, c = 65 }, residual = true, dw_act = "relu6" },
  },
}
