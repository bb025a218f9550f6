-- pwconv with groups and topological subdivisioning: groups 2, 3, 4 and
-- groups = Cin; 1-d, 2-d, 3-d, 4-d and 8-d topologies whose windows wrap
-- around the grid, grid_out bigger and smaller than grid_in per dimension,
-- window = 1 and window = whole dimension; on 1x1 and odd image sizes, with
-- bias = false, activations and residual = true.  Each layer is its own chain.
return {
  name = "pw_topology",
  layers = {
    -- groups
    { name = "g2",      op = "pwconv", input = { h = 7,  w = 7,  c = 16 }, cout = 8,  groups = 2 },           -- 8 -> 4 per group
    { name = "g4",      op = "pwconv", input = { h = 9,  w = 9,  c = 32 }, cout = 64, groups = 4 },           -- 8 -> 16
    { name = "g4odd",   op = "pwconv", input = { h = 5,  w = 3,  c = 36 }, cout = 12, groups = 4, act = "relu" }, -- 9 -> 3
    { name = "g3",      op = "pwconv", input = { h = 1,  w = 13, c = 9 },  cout = 33, groups = 3, bias = false }, -- 3 -> 11
    { name = "gcin",    op = "pwconv", input = { h = 13, w = 13, c = 17 }, groups = 17 },                     -- 1 -> 1 (diagonal)
    { name = "gcin3",   op = "pwconv", input = { h = 3,  w = 5,  c = 8 },  cout = 24, groups = 8 },           -- 1 -> 3
    { name = "g16res",  op = "pwconv", input = { h = 4,  w = 4,  c = 16 }, groups = 16, residual = true, act = "relu6" },
    { name = "g2px",    op = "pwconv", input = { h = 1,  w = 1,  c = 64 }, cout = 66, groups = 2 },           -- 32 -> 33
    -- 1-d topologies
    { name = "t1wrap",  op = "pwconv", input = { h = 7,  w = 9,  c = 16 }, cout = 24,
      topology = { grid_in = { 16 }, grid_out = { 24 }, window = { 5 } } },                                   -- last outputs wrap to 0..3
    { name = "t1down",  op = "pwconv", input = { h = 3,  w = 3,  c = 32 }, cout = 8,
      topology = { grid_in = { 32 }, grid_out = { 8 }, window = { 7 } } },
    { name = "t1one",   op = "pwconv", input = { h = 2,  w = 7,  c = 9 },  cout = 31,
      topology = { grid_in = { 9 }, grid_out = { 31 }, window = { 1 } } },                                    -- one input per output
    { name = "t1cls",   op = "pwconv", input = { h = 3,  w = 3,  c = 4 },  cout = 20,
      topology = { grid_in = { 4 }, grid_out = { 20 }, window = { 3 } } },                                    -- classes of 5: a 1-channel tail panel (scalar on NEON)
    { name = "t1full",  op = "pwconv", input = { h = 1,  w = 1,  c = 33 }, cout = 9,
      topology = { grid_in = { 33 }, grid_out = { 9 }, window = { 33 } } },                                   -- window = all: dense
    -- 2-d topologies
    { name = "t2mix",   op = "pwconv", input = { h = 7,  w = 7,  c = 32 }, cout = 32,
      topology = { grid_in = { 4, 8 }, grid_out = { 8, 4 }, window = { 3, 5 } } },                            -- out finer in dim 1, coarser in dim 2
    { name = "t2res",   op = "pwconv", input = { h = 9,  w = 8,  c = 15 }, residual = true, act = "relu",
      topology = { grid_in = { 3, 5 }, grid_out = { 5, 3 }, window = { 2, 4 } } },
    { name = "t2rows",  op = "pwconv", input = { h = 8,  w = 8,  c = 64 },
      topology = { grid_in = { 8, 8 }, grid_out = { 8, 8 }, window = { 3, 8 } } },
    { name = "t2odd",   op = "pwconv", input = { h = 13, w = 1,  c = 32 }, cout = 17, bias = false,
      topology = { grid_in = { 2, 16 }, grid_out = { 1, 17 }, window = { 2, 3 } } },
    -- 3-d topologies
    { name = "t3a",     op = "pwconv", input = { h = 5,  w = 7,  c = 64 }, cout = 48,
      topology = { grid_in = { 4, 4, 4 }, grid_out = { 2, 8, 3 }, window = { 3, 2, 4 } } },
    { name = "t3b",     op = "pwconv", input = { h = 3,  w = 3,  c = 30 }, cout = 27, act = { min = -1, max = 1 },
      topology = { grid_in = { 2, 3, 5 }, grid_out = { 3, 3, 3 }, window = { 1, 2, 5 } } },
    { name = "t3c",     op = "pwconv", input = { h = 1,  w = 1,  c = 48 }, cout = 48, residual = true,
      topology = { grid_in = { 3, 4, 4 }, grid_out = { 4, 4, 3 }, window = { 2, 1, 3 } } },
    { name = "t3one",   op = "pwconv", input = { h = 6,  w = 5,  c = 16 }, cout = 20,
      topology = { grid_in = { 4, 4, 1 }, grid_out = { 1, 1, 20 }, window = { 2, 2, 1 } } },                  -- every output reads 0, 1, 4, 5: one class
    -- 4-d and 8-d (the maximum)
    { name = "t4",      op = "pwconv", input = { h = 7,  w = 3,  c = 36 }, cout = 16,
      topology = { grid_in = { 3, 2, 3, 2 }, grid_out = { 2, 2, 2, 2 }, window = { 2, 1, 3, 2 } } },
    { name = "t8",      op = "pwconv", input = { h = 3,  w = 3,  c = 256 }, cout = 48,
      topology = { grid_in = { 2, 2, 2, 2, 2, 2, 2, 2 }, grid_out = { 1, 2, 3, 2, 1, 2, 2, 1 },
                   window = { 2, 1, 2, 1, 2, 1, 2, 1 } } },
  },
}
