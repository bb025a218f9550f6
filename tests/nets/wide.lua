-- Larger layers (0.1M-7M MACs each) whose channel counts and pixel counts
-- are many full tiles plus a tail, so the steady-state SIMD loops (8/16/4
-- depthwise channels; projection tiles up to 48 channels x 14 pixels) run
-- many iterations, not only the tails.  Each layer is its own chain.
return {
  name = "wide",
  layers = {
    { name = "sep",    op = "separable",  input = { h = 28, w = 28, c = 64 },  cout = 128, dw_act = "relu6", act = "relu6" },
    { name = "sepm2",  op = "separable",  input = { h = 14, w = 14, c = 48 },  mult = 2, cout = 192, act = "relu" },
    { name = "sep_s2", op = "separable",  input = { h = 29, w = 27, c = 33 },  stride = 2, cout = 97 },     -- -> 15x14
    { name = "pw",     op = "pwconv",     input = { h = 14, w = 14, c = 144 }, cout = 48 },
    { name = "pwodd",  op = "pwconv",     input = { h = 13, w = 15, c = 97 },  cout = 143, act = "relu" },
    -- panels outer with a tail panel, 3+ pixel blocks: every tile prefetches its share of the next panel
    { name = "pwblk",  op = "pwconv",     input = { h = 41, w = 41, c = 100 }, cout = 77, act = "relu" },
    -- one full panel and a tail panel (AVX2), 400 inputs
    { name = "pwtail", op = "pwconv",     input = { h = 9, w = 11, c = 400 },  cout = 29 },
    -- a 1024-channel intermediate: padded to 1040 floats a pixel on AVX-512
    -- so 14-row projection tiles do not share L1 sets (plan.lua rows_conflict)
    { name = "sep1024", op = "separable", input = { h = 6, w = 7, c = 1024 }, cout = 40, act = "relu6" },
    -- the same padding when the depthwise stage is scalar code (multiplier 5:
    -- more than 4 vectors a tile), 5120 channels
    { name = "sep_m5", op = "separable", input = { h = 3, w = 4, c = 1024 }, mult = 5, cout = 8 },
    { name = "pwg2",   op = "pwconv",     input = { h = 15, w = 15, c = 256 }, cout = 96, groups = 2 },
    { name = "pwtopo", op = "pwconv",     input = { h = 14, w = 15, c = 256 }, cout = 256, residual = true,
      topology = { grid_in = { 16, 16 }, grid_out = { 16, 16 }, window = { 3, 16 } } },
    { name = "dw",     op = "dwconv",     input = { h = 29, w = 31, c = 96 },  act = "relu6" },
    -- inputs beyond L2 with kh rows beyond L1: output rows in pairs (odd row counts leave one)
    { name = "dwpair",  op = "dwconv",    input = { h = 25, w = 23, c = 264 }, act = "relu6" },
    { name = "dwpair2", op = "dwconv",    input = { h = 27, w = 26, c = 232 }, stride = 2 },
    -- input in L2, kh rows beyond L1: passes over blocks of channel tiles, then the tail tile
    { name = "dwpass", op = "dwconv",     input = { h = 13, w = 15, c = 531 }, act = "relu6" },
    { name = "dwk5s2", op = "dwconv",     input = { h = 28, w = 28, c = 128 }, k = 5, stride = 2 },
    { name = "dwm4",   op = "dwconv",     input = { h = 17, w = 17, c = 33 },  mult = 4 },               -- 132 channels
    { name = "bot",    op = "bottleneck", input = { h = 28, w = 28, c = 96 },  stride = 2, cout = 96, residual = true, act = "relu" },
    { name = "dec",    op = "dwdeconv",   input = { h = 14, w = 14, c = 80 },  stride = 2, k = 4 },      -- -> 28x28
  },
}
