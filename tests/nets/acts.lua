-- The nonlinear activations (hswish, hsigmoid, sigmoid) as act, dw_act and
-- mid_act of every op, with residuals before them, on channel counts that
-- leave vector tails (masked on x86, scalar on NEON) and fused bands: the
-- scalar statements (act_c) and the vector ones (simd/store.c.in) against
-- the generic kernels' expf-based definitions.
return {
  name = "acts",
  layers = {
    { name = "dw_hswish",  op = "dwconv", input = { h = 9, w = 11, c = 37 }, act = "hswish" },
    { name = "dw_hsig_m2", op = "dwconv", input = { h = 7, w = 6, c = 13 }, mult = 2, act = "hsigmoid" },
    { name = "dw_sig",     op = "dwconv", input = { h = 5, w = 5, c = 24 }, k = 5, act = "sigmoid" },
    { name = "pw_hswish",  op = "pwconv", input = { h = 6, w = 7, c = 20 }, cout = 45, act = "hswish" },
    { name = "pw_sig_res", op = "pwconv", input = { h = 4, w = 9, c = 33 }, act = "sigmoid", residual = true },
    { name = "sep_mix",    op = "separable", input = { h = 12, w = 10, c = 24 }, cout = 40,
      dw_act = "hswish", act = "hsigmoid" },
    { name = "sep_s2",     op = "separable", input = { h = 15, w = 15, c = 16 }, stride = 2, cout = 24,
      dw_act = "hsigmoid", act = "hswish" },
    { name = "sep_res",    op = "separable", input = { h = 8, w = 8, c = 19 }, dw_act = "sigmoid",
      act = "hswish", residual = true },
    { name = "bn_acts",    op = "bottleneck", input = { h = 10, w = 10, c = 20 }, stride = 2, cout = 20,
      dw_act = "hswish", mid_act = "sigmoid", act = "hsigmoid", residual = true },
    { name = "up_sig",     op = "dwdeconv", input = { h = 5, w = 6, c = 21 }, stride = 2, act = "sigmoid" },
    -- a fused separable layer (its band projections store through the activation)
    { name = "fused_hsw",  op = "separable", input = { h = 112, w = 112, c = 32 }, cout = 16,
      dw_act = "hswish", act = "hswish" },
  },
}
