-- fuzz: valid
-- found: make fuzz SEED=3, net 5 (tests/fuzz/gen.lua), shrunk from 1 to 1 layers
-- failed: cc-werror on scalar
-- message: cc -O2 -Werror net.c: out/net.c:29:46: error: unused parameter 'in' [-Werror=unused-parameter]
-- signature: cc-werror|[-Werror=unused-parameter] in|scalar
-- fuzz-target: scalar
-- fixed: templates/*/spatial.c.in and conv.c.in declare ib only for a region with taps
--   and vw only with taps or biases; emit.lua unread() voids in (and w) when no tap meets the input
return {
  name = "net",
  layers = {
    { op = "dwdeconv", input = { h = 1, w = 1, c = 1 }, k = 2, dilation = 2 },
  },
}
