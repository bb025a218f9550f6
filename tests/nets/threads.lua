-- sepgen-args: --threads 4
-- Generated for 4 threads (N_MAX_THREADS 4): the split layers' band runners,
-- tasks and N_L_par entry points, and N_forward_par.  The Check test runs
-- every layer's N_L_par and N_forward_par on fake pools of 1 to 4 threads
-- with the tasks in order, reversed and shuffled, and requires one thread's
-- output bit for bit.  Fused separable layers (own band buffer per task),
-- projections in row bands (with the input and a named layer as residual),
-- a stem convolution and a windowed pool whose kernels take the rows, a
-- depthwise layer in row bands of its own (with its input as residual), a
-- layer too small to split, projections of 18 rows in bands of pixels (p1,
-- p2: 18 rows split unevenly in 4), a projection of 5 rows whose weights
-- outweigh its input, with its input as residual (p3: blocks of output
-- channels, a stage each), separable layers of 5 rows whose tasks each
-- compute the whole depthwise output and project a block of output
-- channels (s6, and s7 with its input as residual), and an fc split in
-- blocks of output channels (fc0: 128 -> 1000, a block a thread, each its
-- own stage and weights).
return {
  name = "threads",
  layers = {
    { name = "stem", op = "conv", input = { h = 40, w = 36, c = 3 }, cout = 16, stride = 2, act = "relu6" },
    { name = "d0", op = "dwconv", k = 5, residual = true },
    { name = "s1", op = "separable", cout = 24 },
    { name = "mp", op = "pool", type = "max", k = 3, stride = 1 },
    { name = "p1", op = "pwconv", cout = 24, act = "relu", residual = true },
    { name = "p2", op = "pwconv", cout = 24, residual = "p1" },
    { name = "s2", op = "separable", cout = 24, residual = true, dw_act = "relu6", act = "none" },
    { name = "s3", op = "separable", stride = 2, cout = 32 },
    { name = "s4", op = "separable", stride = 2, cout = 80 },
    { name = "p3", op = "pwconv", cout = 80, act = "relu6", residual = true },
    { name = "s6", op = "separable", cout = 128 },
    { name = "s7", op = "separable", cout = 128, residual = true, dw_act = "relu6", act = "relu" },
    { name = "s5", op = "separable", stride = 2, cout = 128 },
    { name = "gap", op = "pool", type = "avg", global = true },
    { name = "fc0", op = "fc", cout = 1000, act = "relu" },
    { name = "fc", op = "fc", cout = 10 },
  },
}
