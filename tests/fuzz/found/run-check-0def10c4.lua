-- fuzz: valid
-- found: make fuzz SEED=3 (before a change of the clamp draws), net 28 (tests/fuzz/gen.lua), shrunk from 1 to 1 layers
-- failed: run-check on scalar
-- message: 66%: Checks: 3, Failures: 1, Errors: 0; out/check/net_check.c:303:F:generated vs generic:test_layer:0: layer l1 (net): output [0][0][1]: generated -nan, generic -nan, |difference| nan > tolerance inf (K = 27)
-- signature: run-check|test_layer bottleneck: output [N][N][N]: generated nan, generic nan, |difference|scalar
-- fuzz-target: scalar
-- fixed: templates/check.c.in compares no output whose magnitude bound overflows float
--   (the clamp at 1.7e38 makes an infinite bound: both sums may give NaN)
return {
  name = "net",
  layers = {
    { op = "bottleneck", input = { h = 1, w = 2, c = 3 }, dw_act = { min = 1.7e+38 } },
  },
}
