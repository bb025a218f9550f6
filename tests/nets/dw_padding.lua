-- dwconv padding: "same" with even/odd totals (extra row/column at the
-- bottom/right), "valid", integer p, asymmetric {top, left, bottom, right}
-- tables up to the (k-1)*d limit, kernels larger than the image (same and
-- explicit padding), 1x1 images and 1-pixel strips.  Each layer is its own chain.
return {
  name = "dw_padding",
  layers = {
    -- "same"
    { name = "same_s1",  op = "dwconv", input = { h = 7,  w = 8,  c = 8 },  pad = "same" },
    { name = "same_s2",  op = "dwconv", input = { h = 7,  w = 8,  c = 9 },  pad = "same", stride = 2 },          -- H: P=2 1/1, W: P=1 0/1
    { name = "same_k4e", op = "dwconv", input = { h = 8,  w = 8,  c = 16 }, k = 4, stride = 2 },                 -- P=2: 1/1
    { name = "same_k4o", op = "dwconv", input = { h = 9,  w = 9,  c = 16 }, k = 4, stride = 2 },                 -- P=3: 1/2
    { name = "same_k6s3", op = "dwconv", input = { h = 14, w = 13, c = 7 }, k = 6, stride = 3 },                 -- H: P=4 2/2, W: P=5 2/3
    -- "valid"
    { name = "valid_s1", op = "dwconv", input = { h = 9,  w = 13, c = 16 }, pad = "valid" },                     -- -> 7x11
    { name = "valid_s2", op = "dwconv", input = { h = 8,  w = 8,  c = 17 }, pad = "valid", stride = 2 },         -- -> 3x3
    { name = "valid_k5", op = "dwconv", input = { h = 5,  w = 7,  c = 4 },  k = 5, pad = "valid" },              -- -> 1x3
    -- integer
    { name = "int0",     op = "dwconv", input = { h = 7,  w = 7,  c = 9 },  k = 5, pad = 0 },                    -- -> 3x3
    { name = "int1",     op = "dwconv", input = { h = 7,  w = 7,  c = 9 },  k = 5, pad = 1 },                    -- -> 5x5
    { name = "int2",     op = "dwconv", input = { h = 7,  w = 7,  c = 9 },  k = 5, pad = 2 },                    -- -> 7x7
    { name = "int4",     op = "dwconv", input = { h = 7,  w = 7,  c = 8 },  k = 5, pad = 4 },                    -- max: -> 11x11
    { name = "int3s2",   op = "dwconv", input = { h = 13, w = 15, c = 32 }, k = 7, stride = 2, pad = 3 },        -- -> 7x8
    -- tables {top, left, bottom, right}
    { name = "tab_a",    op = "dwconv", input = { h = 13, w = 14, c = 5 },  pad = { 0, 2, 1, 0 } },              -- -> 12x14
    { name = "tab_b",    op = "dwconv", input = { h = 15, w = 16, c = 17 }, stride = 2, pad = { 2, 0, 0, 2 } },  -- -> 8x8
    { name = "tab_c",    op = "dwconv", input = { h = 9,  w = 8,  c = 7 },  k = 7, pad = { 4, 1, 0, 6 } },       -- -> 7x9
    { name = "tab_d",    op = "dwconv", input = { h = 8,  w = 9,  c = 33 }, k = { 3, 5 }, pad = { 2, 0, 2, 4 } }, -- -> 10x9
    -- kernel larger than the image
    { name = "big_same", op = "dwconv", input = { h = 3,  w = 3,  c = 8 },  k = 7 },                             -- P=6: 3/3
    { name = "big_1x1",  op = "dwconv", input = { h = 1,  w = 1,  c = 16 }, k = 9 },                             -- P=8: 4/4
    { name = "big_k15",  op = "dwconv", input = { h = 2,  w = 2,  c = 3 },  k = 15 },                            -- P=14: 7/7
    { name = "big_tab",  op = "dwconv", input = { h = 2,  w = 3,  c = 9 },  k = 5, pad = { 4, 4, 4, 4 } },       -- -> 6x7
    { name = "big_tab2", op = "dwconv", input = { h = 1,  w = 1,  c = 4 },  k = 11, pad = { 10, 0, 0, 10 } },    -- -> 1x1
    { name = "big_d4",   op = "dwconv", input = { h = 3,  w = 2,  c = 15 }, dilation = 4 },                      -- effective 9x9
    { name = "big_bot",  op = "dwconv", input = { h = 1,  w = 1,  c = 1 },  k = 7, pad = { 0, 0, 6, 6 } },       -- -> 1x1
    -- 1x1 images and strips
    { name = "px_s2",    op = "dwconv", input = { h = 1,  w = 1,  c = 16 }, stride = 2 },                        -- -> 1x1, P=2
    { name = "px_k1",    op = "dwconv", input = { h = 1,  w = 1,  c = 1 },  k = 1, pad = "valid" },
    { name = "row",      op = "dwconv", input = { h = 1,  w = 17, c = 8 } },
    { name = "col",      op = "dwconv", input = { h = 17, w = 1,  c = 5 },  k = { 5, 1 } },
  },
}
