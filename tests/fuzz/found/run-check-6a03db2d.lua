-- fuzz: valid
-- found: make fuzz SEED=1, net 4 (tests/fuzz/gen.lua), shrunk from 1 to 1 layers
-- failed: run-check on avx2
-- message: 33%: Checks: 3, Failures: 2, Errors: 0; out/check/net_check.c:303:F:generated vs generic:test_layer:0: layer l1 (net): output [0][0][11]: generated -0.841796577, generic 0.638409376, |difference| 1.48 > tolerance 0.000361 (K = 100)
-- signature: run-check|test_layer separable: output [N][N][N]: generated N, generic N, |difference| N >|simd
-- fuzz-target: avx2
-- fixed: gen/plan_pw.lua as_groups took outputs with the same first input channel for
--   one group of contiguous inputs (here {0, 1, 2} and {0, 2, 3}): the second read the wrong channels
return {
  name = "net",
  layers = {
    { op = "separable", input = { h = 1, w = 1, c = 128 }, cout = 33, topology = { grid_in = { 128, 1 }, grid_out = { 3, 11 }, window = { 87, 1 } } },
  },
}
