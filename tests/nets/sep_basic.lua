-- separable (dwconv -> dw_act -> pwconv -> act): kernel sizes, strides
-- (2 and 3 on odd sizes, mixed {sh, sw}), dilation, every padding form,
-- multipliers > 1 (projection input C*mult), default cout, 1x1 images,
-- kernels larger than the image, bias = false and dw_act/act combinations.
-- Channel counts straddle the depthwise and projection tiles.  Each layer is
-- its own chain.
return {
  name = "sep_basic",
  layers = {
    { name = "mb",      op = "separable", input = { h = 16, w = 16, c = 8 },  cout = 16, dw_act = "relu6", act = "relu6" },
    { name = "s2odd",   op = "separable", input = { h = 7,  w = 7,  c = 3 },  stride = 2, cout = 8 },                -- -> 4x4
    { name = "s2odd2",  op = "separable", input = { h = 13, w = 15, c = 17 }, stride = 2, cout = 33, act = "relu" }, -- -> 7x8
    { name = "k5s2",    op = "separable", input = { h = 9,  w = 9,  c = 16 }, k = 5, stride = 2, cout = 15, dw_act = "relu" },
    { name = "s3",      op = "separable", input = { h = 14, w = 13, c = 9 },  stride = 3, cout = 31 },               -- -> 5x5
    { name = "k1x7",    op = "separable", input = { h = 7,  w = 9,  c = 4 },  k = { 1, 7 }, cout = 5 },
    { name = "k5x3s21", op = "separable", input = { h = 15, w = 8,  c = 7 },  k = { 5, 3 }, stride = { 2, 1 }, cout = 9 },
    { name = "d2",      op = "separable", input = { h = 13, w = 13, c = 32 }, dilation = 2, cout = 32, dw_act = "relu" },
    { name = "d3s2",    op = "separable", input = { h = 15, w = 14, c = 5 },  dilation = { 3, 2 }, stride = 2, cout = 4 },
    { name = "valid",   op = "separable", input = { h = 9,  w = 9,  c = 8 },  stride = 2, pad = "valid", cout = 16 },  -- -> 4x4
    { name = "tab",     op = "separable", input = { h = 8,  w = 7,  c = 16 }, k = 4, pad = { 1, 0, 2, 3 }, cout = 17 }, -- -> 8x7
    { name = "int2",    op = "separable", input = { h = 9,  w = 7,  c = 15 }, k = 5, pad = 2, cout = 8 },
    { name = "m2",      op = "separable", input = { h = 7,  w = 7,  c = 4 },  mult = 2, cout = 8 },                  -- pw 8 -> 8
    { name = "m3",      op = "separable", input = { h = 9,  w = 9,  c = 5 },  mult = 3, cout = 16 },                 -- pw 15 -> 16
    { name = "m4c1",    op = "separable", input = { h = 8,  w = 9,  c = 1 },  mult = 4, cout = 3 },
    { name = "m8",      op = "separable", input = { h = 5,  w = 5,  c = 2 },  mult = 8, cout = 1 },
    { name = "m2s2",    op = "separable", input = { h = 15, w = 15, c = 16 }, mult = 2, stride = 2, cout = 48 },     -- pw 32 -> 48
    { name = "mdef",    op = "separable", input = { h = 7,  w = 8,  c = 9 },  mult = 2 },                            -- cout defaults to 18
    { name = "px",      op = "separable", input = { h = 1,  w = 1,  c = 64 }, cout = 65 },
    { name = "px_s2",   op = "separable", input = { h = 1,  w = 1,  c = 7 },  stride = 2, k = 5, cout = 9 },
    { name = "big_k",   op = "separable", input = { h = 3,  w = 3,  c = 8 },  k = 7, cout = 8 },                     -- kernel > image
    { name = "nobias",  op = "separable", input = { h = 9,  w = 7,  c = 16 }, cout = 31, bias = false, dw_act = "relu", act = "relu6" },
    { name = "acts",    op = "separable", input = { h = 7,  w = 9,  c = 31 }, cout = 17,
      dw_act = { min = -1, max = 1 }, act = { max = 2 } },
    { name = "acts2",   op = "separable", input = { h = 13, w = 2,  c = 33 }, cout = 64, stride = { 1, 2 },
      dw_act = { min = 0 }, act = { min = -0.25, max = 4 } },
  },
}
