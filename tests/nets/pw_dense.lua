-- Dense pwconv: Cin and Cout at tile-1, tile, tile+1 and multiples of the
-- projection tiles (scalar 4 pixels x 8 channels; SIMD up to 16-48 channels
-- x up to 14 pixels), pixel counts around 4 and 14 (1, 3, 4, 5, 9, 13, 14, 15,
-- 16, 28, 29, 49 ...), 1x1 images, bias = false, activations and
-- residual = true (Cin == Cout).  Each layer is its own chain.
return {
  name = "pw_dense",
  layers = {
    { name = "c1_1",    op = "pwconv", input = { h = 1,  w = 1,  c = 1 },  cout = 1 },
    { name = "c1_8",    op = "pwconv", input = { h = 1,  w = 3,  c = 1 },  cout = 8 },             -- 3 px
    { name = "c3_4",    op = "pwconv", input = { h = 7,  w = 7,  c = 3 },  cout = 4 },             -- 49 px
    { name = "c4_5",    op = "pwconv", input = { h = 2,  w = 2,  c = 4 },  cout = 5 },             -- 4 px
    { name = "c5_3",    op = "pwconv", input = { h = 1,  w = 5,  c = 5 },  cout = 3 },             -- 5 px
    { name = "c7_9",    op = "pwconv", input = { h = 3,  w = 3,  c = 7 },  cout = 9 },             -- 9 px
    { name = "c8_8",    op = "pwconv", input = { h = 4,  w = 4,  c = 8 },  cout = 8 },             -- 16 px
    { name = "c9_7",    op = "pwconv", input = { h = 3,  w = 5,  c = 9 },  cout = 7 },             -- 15 px
    { name = "c15_16",  op = "pwconv", input = { h = 7,  w = 2,  c = 15 }, cout = 16 },            -- 14 px
    { name = "c16_17",  op = "pwconv", input = { h = 13, w = 1,  c = 16 }, cout = 17 },            -- 13 px
    { name = "c17_15",  op = "pwconv", input = { h = 1,  w = 13, c = 17 }, cout = 15 },
    { name = "c31_33",  op = "pwconv", input = { h = 9,  w = 9,  c = 31 }, cout = 33 },            -- 81 px
    { name = "c32_32",  op = "pwconv", input = { h = 14, w = 2,  c = 32 }, cout = 32 },            -- 28 px
    { name = "c33_31",  op = "pwconv", input = { h = 1,  w = 29, c = 33 }, cout = 31 },            -- 29 px
    { name = "c48_47",  op = "pwconv", input = { h = 3,  w = 9,  c = 48 }, cout = 47 },            -- 27 px
    { name = "c47_49",  op = "pwconv", input = { h = 5,  w = 3,  c = 47 }, cout = 49 },
    { name = "c64_65",  op = "pwconv", input = { h = 14, w = 14, c = 64 }, cout = 65 },            -- 196 px
    { name = "c65_64",  op = "pwconv", input = { h = 13, w = 17, c = 65 }, cout = 64 },            -- 221 px
    { name = "c16_96",  op = "pwconv", input = { h = 7,  w = 6,  c = 16 }, cout = 96 },            -- 42 px, 2x48
    { name = "c96_48",  op = "pwconv", input = { h = 8,  w = 7,  c = 96 }, cout = 48 },
    { name = "c17_1",   op = "pwconv", input = { h = 15, w = 15, c = 17 }, cout = 1 },
    { name = "c1_33",   op = "pwconv", input = { h = 16, w = 9,  c = 1 },  cout = 33 },
    { name = "cdef",    op = "pwconv", input = { h = 5,  w = 5,  c = 24 } },                       -- cout defaults to 24
    { name = "nobias",  op = "pwconv", input = { h = 3,  w = 7,  c = 9 },  cout = 17, bias = false },
    { name = "a_relu",  op = "pwconv", input = { h = 2,  w = 7,  c = 8 },  cout = 16, act = "relu" },
    { name = "a_r6",    op = "pwconv", input = { h = 7,  w = 2,  c = 5 },  cout = 9,  act = "relu6" },
    { name = "a_mm",    op = "pwconv", input = { h = 3,  w = 3,  c = 16 }, cout = 31, act = { min = -0.5, max = 0.5 } },
    { name = "a_max",   op = "pwconv", input = { h = 1,  w = 15, c = 31 }, cout = 8,  act = { max = 0 }, bias = false },
    { name = "res8",    op = "pwconv", input = { h = 4,  w = 5,  c = 8 },  cout = 8,  residual = true },
    { name = "res17",   op = "pwconv", input = { h = 9,  w = 7,  c = 17 }, residual = true, act = "relu" },
    -- AVX-512 pixel pairs (outputs an odd number of half vectors): 99 px = 6 tiles of 8
    -- pairs + a 3-pixel tail (2 pairs, the last one pixel); 225 px: the tail is one pixel;
    -- 40 inputs: a partial 16-channel chunk
    { name = "pair_odd", op = "pwconv", input = { h = 11, w = 9,  c = 48 }, cout = 24, act = "relu6" },
    { name = "pair40",  op = "pwconv", input = { h = 14, w = 14, c = 64 }, cout = 40, act = "relu" },   -- 5 vectors, 5 pairs
    { name = "pair8",   op = "pwconv", input = { h = 15, w = 15, c = 40 }, cout = 8,  bias = false },
    { name = "res33",   op = "pwconv", input = { h = 1,  w = 1,  c = 33 }, cout = 33, residual = true, bias = false, act = { min = 0 } },
  },
}
