-- fuzz: valid
-- found: by hand from tests/fuzz/found/run-check-6a03db2d.lua (make fuzz SEED=1, net 4)
-- failed: run-check on avx2
-- message: 33%: Checks: 3, Failures: 2, Errors: 0; out/check/net_check.c:303:F:generated vs generic:test_layer:0: layer l1 (net): output [0][0][1]: generated -1.22401071, generic -1.50515974, |difference| 0.281 > tolerance 9.29e-07 (K = 5)
-- signature: run-check|test_layer pwconv: output [N][N][N]: generated N, generic N, |difference| N > to|simd
-- fuzz-target: avx2
-- fixed: gen/plan_pw.lua as_groups took outputs with the same first input channel for
--   one group of contiguous inputs (here {0, 1, 2} and {0, 2, 3}): the second read the wrong channels
return {
  name = "net",
  layers = {
    { op = "pwconv", input = { h = 1, w = 1, c = 4 }, cout = 2, topology = { grid_in = { 4 }, grid_out = { 2 }, window = { 3 } } },
  },
}
