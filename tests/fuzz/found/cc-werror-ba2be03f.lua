-- fuzz: valid
-- found: make fuzz SEED=2, net 16 (tests/fuzz/gen.lua), shrunk from 1 to 1 layers
-- failed: cc-werror on scalar
-- message: cc -O2 -Werror net.c: out/net.c:96:39: error: unused variable 'vw' [-Werror=unused-variable]
-- signature: cc-werror|[-Werror=unused-variable] vw|scalar
-- fuzz-target: scalar
-- fixed: templates/*/spatial.c.in and conv.c.in declare ib only for a region with taps
--   and vw only with taps or biases; emit.lua unread() voids in (and w) when no tap meets the input
return {
  name = "net",
  input = { h = 1, w = 1, c = 1 },
  layers = {
    { op = "dwdeconv", stride = 4, bias = false },
  },
}
