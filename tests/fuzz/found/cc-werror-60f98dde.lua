-- fuzz: valid
-- found: make fuzz SEED=1, net 11 (tests/fuzz/gen.lua), shrunk from 1 to 1 layers
-- failed: cc-werror on avx2
-- message: cc -O2 -Werror net_check.c: out/check/net_check.c:349:30: error: comparison of unsigned expression in '< 0' is always false [-Werror=type-limits]
-- signature: cc-werror|[-Werror=type-limits] < N|simd
-- fuzz-target: avx2
-- fixed: templates/check.c.in compares with NET_PACKED_FLOATS through a variable (no i < 0)
return {
  name = "net",
  input = { h = 1, w = 1, c = 1 },
  layers = {
    { op = "softmax" },
  },
}
