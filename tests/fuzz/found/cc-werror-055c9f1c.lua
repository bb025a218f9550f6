-- fuzz: valid
-- found: make fuzz SEED=8, net 64 (tests/fuzz/gen.lua), shrunk from 1 to 1 layers
-- failed: cc-werror on avx2
-- message: cc -O2 -Werror run_check.c: out/check/run_check.c:416:13: error: conflicting types for 'run_forward_par'; have 'void(void *, const sg_par *, float *)'
-- signature: cc-werror|[-Werror=discarded-qualifiers] NET_forward_par|simd
-- fuzz-target: avx2
-- fixed: the check file names its own file-scope functions and data in mixed case
--   (Run_forward_par, Test_layer...): a net called "run" declared run_forward_par in run.h
return {
  name = "run",
  input = { h = 1, w = 1, c = 1 },
  layers = {
    { op = "se", reduce = 1 },
  },
}
