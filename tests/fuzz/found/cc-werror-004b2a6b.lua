-- fuzz: valid
-- found: make fuzz SEED=3, net 23 (tests/fuzz/gen.lua), shrunk from 1 to 1 layers
-- failed: cc-werror on scalar
-- message: cc -O2 -Werror net.c: out/net.c:35:31: error: unused variable 'ib' [-Werror=unused-variable]
-- signature: cc-werror|[-Werror=unused-variable] ib|scalar
-- fuzz-target: scalar
-- fixed: templates/*/spatial.c.in and conv.c.in declare ib only for a region with taps
--   and vw only with taps or biases; emit.lua unread() voids in (and w) when no tap meets the input
return {
  name = "net",
  layers = {
    { op = "conv", input = { h = 1, w = 5, c = 1 }, dilation = 2, pad = { 3, 0, 1, 0 } },
  },
}
