-- fuzz: valid
-- found: make fuzz SEED=2 (before a change of the clamp draws), net 4 (tests/fuzz/gen.lua), shrunk from 2 to 2 layers
-- failed: run-check on avx2
-- message: 75%: Checks: 4, Failures: 1, Errors: 0; out/check/net_check.c:394:F:the whole net:test_forward:0: net_forward: output 0: generated -3.6811685e+27, generic chain -3.68116968e+27, |difference| 1.18e+21 > tolerance 4.33e-06 (K = 19)
-- signature: run-check|test_forward: output N: generated N, generic chain N, |difference| N > tolerance|simd
-- fuzz-target: avx2
return {
  name = "net",
  input = { h = 1, w = 1, c = 1 },
  layers = {
    { op = "separable", mult = 2, act = { min = 3.1250000000000001e+28, max = 1.0625e+37 } },
    { op = "pwconv" },
  },
}
