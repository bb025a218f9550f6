-- fuzz: valid
-- found: make fuzz SEED=1, net 87 (tests/fuzz/gen.lua), shrunk from 1 to 1 layers
-- failed: cc-werror on avx2
-- message: cc -O2 -Werror net.c: out/net.h:51:20: error: ISO C forbids zero-size array 'net_packed_weights' [-Werror=pedantic]
-- signature: cc-werror|[-Werror=pedantic] NET_packed_weights|simd
-- fuzz-bake: yes
-- fuzz-target: avx2
-- fixed: a net without weights bakes one unused float (ISO C has no empty arrays)
--   and its check file's raw_tensors list ends with an entry for no layer
return {
  name = "net",
  input = { h = 1, w = 1, c = 1 },
  layers = {
    { op = "pool", type = "max", k = 2, pad = 1 },
  },
}
