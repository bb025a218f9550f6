-- fuzz: valid
-- found: make fuzz SEED=1, net 39 (tests/fuzz/gen.lua), shrunk from 1 to 1 layers
-- failed: cc-error on avx2
-- message: cc -O2 -Werror net.c: out/net.h:51:20: error: 'net_packed_weights' redeclared as different kind of symbol
-- signature: cc-error|'NET_packed_weights' redeclared as different kind of symbol|simd
-- fuzz-bake: yes
-- fuzz-target: avx2
return {
  name = "net",
  layers = {
    { name = "packed_weights", op = "separable", input = { h = 1, w = 1, c = 1 } },
  },
}
