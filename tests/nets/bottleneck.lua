-- bottleneck (dwconv k/stride "same" -> dw_act -> pwconv -> mid_act ->
-- dwdeconv up_k/stride back to H x W -> act, residual): k 3, 5 and 7,
-- stride 1, 2, 3, 4 and {2,1}/{1,2}, up_k different from k (also 1 and
-- non-square), odd input sizes (7x9, 13x13, ...) and 1x1/2x1 inputs, grouped
-- and topological projections, every activation slot, residual = true
-- (cout == Cin) and bias = false.  Each layer is its own chain.
return {
  name = "bottleneck",
  layers = {
    { name = "k3s2",   op = "bottleneck", input = { h = 7,  w = 9,  c = 16 }, k = 3, stride = 2, cout = 16,
      dw_act = "relu6", mid_act = "relu", act = "relu", residual = true },                   -- mid 4x5
    { name = "k5s2",   op = "bottleneck", input = { h = 13, w = 13, c = 8 },  k = 5, stride = 2, cout = 12, up_k = 3 }, -- mid 7x7
    -- AVX-512: the 10x10 projection to 24 channels runs in pixel pairs, into scratch
    { name = "bpair",  op = "bottleneck", input = { h = 20, w = 20, c = 32 }, k = 3, stride = 2, cout = 24 },
    { name = "k3s1",   op = "bottleneck", input = { h = 9,  w = 9,  c = 9 },  k = 3, stride = 1, cout = 9, residual = true },
    { name = "k3s3",   op = "bottleneck", input = { h = 13, w = 14, c = 17 }, k = 3, stride = 3, cout = 33, up_k = 5 }, -- mid 5x5
    { name = "s21",    op = "bottleneck", input = { h = 15, w = 7,  c = 8 },  k = 3, stride = { 2, 1 }, cout = 8,
      residual = true, act = "relu6" },                                                      -- mid 8x7
    { name = "s12",    op = "bottleneck", input = { h = 8,  w = 13, c = 4 },  k = 5, stride = { 1, 2 }, cout = 5 },    -- mid 8x7
    { name = "nsq",    op = "bottleneck", input = { h = 9,  w = 8,  c = 7 },  k = { 5, 3 }, stride = 2, up_k = { 3, 5 }, cout = 7 },
    { name = "upk1",   op = "bottleneck", input = { h = 13, w = 14, c = 8 },  k = 3, stride = 2, up_k = 1, cout = 8 },  -- holes: bias only
    { name = "k7s4",   op = "bottleneck", input = { h = 17, w = 16, c = 15 }, k = 7, stride = 4, up_k = 9, cout = 31 }, -- mid 5x4
    { name = "grp",    op = "bottleneck", input = { h = 9,  w = 9,  c = 16 }, k = 3, stride = 2, cout = 32, groups = 4 },
    { name = "grpres", op = "bottleneck", input = { h = 7,  w = 7,  c = 32 }, k = 5, stride = 2, groups = 32, residual = true },
    { name = "topo",   op = "bottleneck", input = { h = 14, w = 14, c = 16 }, k = 3, stride = 2, cout = 32,
      topology = { grid_in = { 4, 4 }, grid_out = { 4, 8 }, window = { 2, 2 } } },
    { name = "topo3",  op = "bottleneck", input = { h = 11, w = 13, c = 24 }, k = 3, stride = 2, residual = true,
      topology = { grid_in = { 2, 3, 4 }, grid_out = { 4, 3, 2 }, window = { 1, 2, 3 } } },
    { name = "nobias", op = "bottleneck", input = { h = 13, w = 13, c = 17 }, k = 3, stride = 2, cout = 17, bias = false,
      residual = true },
    { name = "acts",   op = "bottleneck", input = { h = 7,  w = 8,  c = 9 },  k = 3, stride = 2, cout = 16,
      dw_act = { min = 0 }, mid_act = "relu6", act = { min = -1, max = 1 } },
    { name = "acts2",  op = "bottleneck", input = { h = 8,  w = 7,  c = 64 }, k = 5, stride = 2, cout = 65,
      dw_act = "relu", mid_act = { max = 3 }, act = "none" },
    { name = "px",     op = "bottleneck", input = { h = 1,  w = 1,  c = 8 },  k = 3, stride = 2, cout = 8, residual = true }, -- mid 1x1
    { name = "strip",  op = "bottleneck", input = { h = 2,  w = 1,  c = 4 },  k = 5, stride = 3, up_k = 3, cout = 3 },  -- mid 1x1
    { name = "dflt",   op = "bottleneck", input = { h = 7,  w = 7,  c = 5 } },                   -- defaults: k 3, stride 1, cout 5
  },
}
