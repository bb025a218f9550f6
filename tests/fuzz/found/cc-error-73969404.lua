-- fuzz: valid
-- found: make fuzz SEED=9, net 76 (tests/fuzz/gen.lua), shrunk from 6 to 1 layers
-- failed: cc-error on scalar
-- message: cc -O2 -Werror net_check.c: out/check/net_check.c:291:13: error: conflicting types for 'Par_check'; have 'void(const char *, void (*)(void *, const sg_par *, float *), void *, const float *, size_t,  int)' {aka 'void(const char *, void (*)(void *, const sg_par *,
-- signature: cc-error|conflicting types for 'Par_check'; have 'void(const char *, void (*)(void *, con|scalar
-- fuzz-target: scalar
-- fixed: the check file's par helper is Check_par (was Par_check, the name of layer
--   check's Par_<layer> wrapper); no fixed name of the check file starts with Par_
return {
  name = "net",
  layers = {
    { name = "check", op = "conv", input = { h = 1, w = 1, c = 1 } },
  },
}
