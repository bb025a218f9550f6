-- plan.lua - pure arithmetic from a validated layer to everything the
-- emitter needs: its stages, each built once by named steps in order
-- (plan_dw.lua, plan_pw.lua), the fusion of separable layers
-- (plan_fuse.lua), packed-weight offsets, scratch, MACs and cost.  No C
-- text and no prose here: each decision stores what it compared, and
-- explain.lua turns that into the sentences of the C comments and the
-- cost report.  Every field of a stage is listed below with the step that
-- sets it; a step may set only its own fields, and only once.
local util = require("util")
local targets = require("targets")
local plan_dw = require("plan_dw")
local plan_pw = require("plan_pw")
local plan_fuse = require("plan_fuse")

local M = {}

local max, min = math.max, math.min

---------------------------------------------------------------- schema

-- { field, step, what it holds }.  "input": given by M.layer when it
-- creates the stage; "band": a fused layer's band variant of a depthwise
-- stage (plan_fuse.bands), which takes the other fields from the layer's
-- stage; "a|b": either step sets it.  The layer record (M.layer) and a
-- fused layer's band plan (plan_fuse.bands) are listed after the stages.
M.SCHEMA = {
  spatial = {
    { "kind", "input", '"spatial": a depthwise stage, forward or transposed' },
    { "target", "input", "the target's name" },
    { "deconv", "input", "true: the transposed (scatter) form, dwdeconv and bottleneck's up stage" },
    { "H", "input", "input height" }, { "W", "input", "input width" }, { "C", "input", "input channels" },
    { "OH", "input", "output height" }, { "OW", "input", "output width" },
    { "OC", "input", "output channels (C x mult)" },
    { "kh", "input", "kernel height" }, { "kw", "input", "kernel width" },
    { "sh", "input", "stride, rows" }, { "sw", "input", "stride, columns" },
    { "dh", "input", "dilation, rows" }, { "dw", "input", "dilation, columns" },
    { "pt", "input", "padding top" }, { "pl", "input", "padding left" },
    { "pb", "input", "padding bottom" }, { "pr", "input", "padding right" },
    { "mult", "input", "channel multiplier" }, { "bias", "input", "the layer has biases" },
    { "act", "input", "activation {lo, hi} after this stage, nil for none" },
    { "res", "input", '"in" or "skip": the buffer added before the activation (last stage only)' },
    { "ostride", "input", "floats from one output pixel to the next when not OC (padded intermediate)" },
    { "woff", "input", "first float of the stage's packed weights in the layer's" },
    { "src", "input", '{"in"} or {"scratch", offset}: where the stage reads' },
    { "dst", "input", '{"out"} or {"scratch", offset}: where the stage writes' },
    { "scratch_at", "input", "scratch offset for a staged input copy, should borders need one" },
    { "rows", "borders", "row classes (axes.classes): output rows that read the same kernel rows" },
    { "cols", "borders", "column classes" },
    { "regions", "borders|band", "every {r = row class, c = column class}, one unrolled region each (a band: " ..
                                 "its row class, rows counted from y0)" },
    { "border_lines", "borders", "estimated lines of C to unroll every region" },
    { "border_budget", "borders", "the target's budget of such lines beyond one interior region" },
    { "staged", "borders", "{top, left, PH, PW}: the zero-padded input copy, nil when unrolled" },
    { "staged_floats", "borders", "floats of that copy (0 without)" },
    { "stage_off", "borders", "scratch offset of that copy" },
    { "top", "borders", "rows of padding above the image the taps are measured in" },
    { "left", "borders", "columns of padding left of it" },
    { "in_w", "borders", "width of that image (W, or the staged copy's PW)" },
    { "ctiles", "tiles", "channel tiles {c0, count, ct, nacc, npad, nv, lastn, vec, tail, perm, needs_vin}" },
    { "ur", "tiles", "output pixels per step along a row" },
    { "simd", "tiles", "true: vector code" },
    { "isa", "tiles", "the target table whose intrinsics the vector code spells" },
    { "tile_why", "tiles", "what the tile choice compared: {ct, nfull, tail, nv, ur, simd_nv}" },
    { "tiles", "packing", "the channel tiles with their packed layout {bias_floats, stride, woff}" },
    { "wfloats", "packing", "packed weight floats of the stage" },
    { "all_vec", "passes", "every channel tile is vector code" },
    { "order", "passes", "{kind, rows_bytes, in_bytes, passes, cb_max}: the order over the image" },
    { "cb", "passes", "channel tiles per pass over the image (passes over channel blocks), or nil" },
    { "passes", "passes", "{tiles, cb, channels}: the passes over the image, the channel tiles of each" },
    { "pairs", "pairs|band", "true: output rows in pairs (a band: when the bands pair rows and it has two)" },
    { "pairs_why", "pairs|band", '"l2" (shared input rows) or "fma" (independent chains)' },
    { "runs", "pairs|band", "per region {pairs, full}: row pairs, then columns in whole groups of ur" },
    { "template", "code", "the template that writes the stage" },
    { "band", "band", "{ri, n}: a fused band of n rows of row class ri, from argument y0" },
  },
  pw = {
    { "kind", "input", '"pw": a 1x1 projection' },
    { "target", "input", "the target's name" },
    { "pw", "input", "the projection of the shapes file (cin, cout, S, groups, topo; istride)" },
    { "P", "input", "pixels" }, { "cin", "input", "input channels" }, { "cout", "input", "output channels" },
    { "S", "input", "inputs per output" }, { "bias", "input", "the layer has biases" },
    { "istride", "input", "floats from one input pixel to the next (cin, or a padded intermediate's)" },
    { "act", "input", "activation {lo, hi}, nil for none" },
    { "res", "input", '"in" or "skip": the buffer added before the activation' },
    { "woff", "input", "first float of the stage's packed weights in the layer's" },
    { "src", "input", "where the stage reads" }, { "dst", "input", "where the stage writes" },
    { "force_nr", "input", "a fused band's projection: the panel width of the layer's" },
    { "force_pair", "input", "a fused band's projection: pixel pairs as the layer's (true/false)" },
    { "band_rows", "input", "a fused band's projection: the band's rows" },
    { "band_lines", "input", "a fused band's projection: lines of the next band's input to prefetch" },
    { "topo", "topology", "{kind, G, cout_g, in_step, runs, srcs}: the connections' structure" },
    { "tile", "register_tile", "{kind, rows, vecs, nr, cout_g, cost, cands}: the register tile" },
    { "simd", "register_tile", "true: vector code" },
    { "pair", "pixel_pairs", "{R, nv, k16, wfloats, cost, full, rem, kfull, tail_pairs, tail_single, vpairs, " ..
                             "vlast, slot}: pixel-pair tiles, or nil" },
    { "mode", "mode", '"dense", "groups", "classes" or "gather"' },
    { "G", "mode", "groups (classes: windows)" }, { "cout_g", "mode", "outputs per group" },
    { "in_step", "mode", "input channels from one group to the next" },
    { "srcs", "mode", "gather: the source channels of every output" },
    { "class_srcs", "mode", "classes: the runs of outputs and their shared sources" },
    { "mr", "panels", "pixels per register tile" }, { "nr", "panels", "outputs per panel" },
    { "pfull", "panels", "pixels in full tiles" }, { "ptail", "panels", "pixels in the tail tile" },
    { "npanels", "panels", "full channel panels per group" },
    { "ntail", "panels", "outputs in the tail panel" },
    { "nr_pad", "panels", "a panel's packed width (whole vectors in vector code)" },
    { "ntail_pad", "panels", "the tail panel's packed width" },
    { "tail_vec", "panels", "the tail panel is (masked) vector code" },
    { "panel", "panels", "{n, pad, o0, nv, lastn}: a full panel as the template writes it" },
    { "tailp", "panels", "{n, pad, o0, nv, lastn}: the tail panel likewise" },
    { "panel_stride", "packing", "floats of one packed panel" },
    { "tail_stride", "packing", "floats of the packed tail panel" },
    { "tail_woff", "packing", "first float of the tail panel in a group's" },
    { "group_stride", "packing", "floats of one group's panels" },
    { "wfloats", "packing", "packed weight floats of the stage" },
    { "pixel_outer", "loop_order", "pixel tiles outer (weights in L1), else panels outer" },
    { "pblock", "blocking", "pixels per block with panels outer" },
    { "nloop", "blocking", "blocks in the loop (the last block, with the tails, follows it)" },
    { "last_p0", "blocking", "first pixel of the last block" },
    { "prefetch", "prefetch", "{every, tiles, lines, scale, tail_floats}: the next panel's weights, or nil" },
    { "inpf", "prefetch", "{per, lines, steps}: the next band's input, or nil" },
    { "template", "code", "the template that writes the stage" },
    { "isa", "code", "the target table whose intrinsics the vector code spells" },
  },
  layer = {
    { "L", "layer", "the validated layer (shapes.lua)" }, { "target", "layer", "the target's name" },
    { "stages", "layer", "the stage records, in order" },
    { "macs", "layer", "multiply-accumulates" }, { "params", "layer", "weights and biases" },
    { "std_macs", "layer", "a standard convolution's MACs with the same shapes" },
    { "fusion", "layer", "separable layers: the fusion decision (plan_fuse.decide: kind and what it compared)" },
    { "fused", "layer", "a fused layer's bands (the fused record below), or nil" },
    { "packed_floats", "layer", "packed weight floats of all stages" },
    { "scratch_floats", "layer", "scratch floats the layer needs" },
  },
  fused = {
    { "B", "bands", "rows of a band" }, { "bands", "bands", "{start, n, loop, dw, pf}: the calls in order" },
    { "dw", "bands", "the depthwise band variants (spatial records with band), one per row class and height" },
    { "pw", "bands", "the band heights, in order" }, { "pw_of", "bands", "band height -> its projection stage" },
    { "band_floats", "bands", "scratch floats of one band" },
    { "prefetch", "bands", "the projection prefetch record with the most lines (for the reason), or nil" },
  },
}

local STEPS = {
  spatial = { "borders", "tiles", "packing", "passes", "pairs", "code" },
  pw = { "topology", "register_tile", "pixel_pairs", "mode", "panels", "packing", "loop_order", "blocking",
         "prefetch", "code" },
}

local STEP_OF = {}
for kind, fields in pairs(M.SCHEMA) do
  STEP_OF[kind] = {}
  for _, f in ipairs(fields) do STEP_OF[kind][f[1]] = f[2] end
end
M.STEP_OF = STEP_OF

local function owns(owner, step)
  return owner ~= nil and ("|" .. owner .. "|"):find("|" .. step .. "|", 1, true) ~= nil
end

-- Sets the fields a step decided on a stage record: each must be declared
-- for that step and not set before.
function M.fill(st, kind, step, fields)
  for k, v in pairs(fields) do
    local owner = STEP_OF[kind][k]
    if not owns(owner, step) then
      error(string.format("plan: step %s sets %s.%s, which the schema gives to %s", step, kind, k,
        tostring(owner)), 2)
    end
    if st[k] ~= nil then error(string.format("plan: %s.%s set twice", kind, k), 2) end
    st[k] = v
  end
end

-- code: the template that writes a stage, and the ISA it spells.
local CODE = {
  spatial = function(tg, st)
    return { template = (st.simd and tg.template_dir or "scalar") .. "/spatial.c.in" }
  end,
  pw = function(tg, st)
    if not st.simd then return { template = "scalar/pw.c.in" } end
    return { template = tg.template_dir .. (st.pair and "/pw_pair.c.in" or "/pw.c.in"), isa = tg }
  end,
}

-- A fused band's variant of depthwise stage d: d's fields but `fields`
-- (band, regions, pairs), which the band step sets.
local function band_variant(d, fields)
  local v = {}
  for k, x in pairs(d) do
    if fields[k] == nil and k ~= "pairs" and k ~= "pairs_why" and k ~= "runs" then
      v[k] = x
    end
  end
  M.fill(v, "spatial", "band", fields)
  return v
end

-- Builds a stage of `kind` from its input fields, running the steps.
local function stage(tg, kind, input)
  local st = {}
  input.kind, input.target = kind, tg.name
  M.fill(st, kind, "input", input)
  local steps = kind == "spatial" and plan_dw or plan_pw
  for _, step in ipairs(STEPS[kind]) do
    local f = step == "code" and CODE[kind] or steps[step]
    M.fill(st, kind, step, f(tg, st))
  end
  return st
end

---------------------------------------------------------------- layer

local function cost(L)
  local macs, params, std
  local dwp = function(C, mult, kh, kw) return C * mult * kh * kw + (L.bias and C * mult or 0) end
  local pwp = function(pw) return pw.cout * pw.S + (L.bias and pw.cout or 0) end
  if L.op == "dwconv" then
    macs = L.OH * L.OW * L.OC * L.kh * L.kw
    params = dwp(L.C, L.mult, L.kh, L.kw)
    std = L.OH * L.OW * L.OC * L.C * L.kh * L.kw
  elseif L.op == "pwconv" then
    macs = L.OH * L.OW * L.OC * L.pw.S
    params = pwp(L.pw)
    std = L.OH * L.OW * L.OC * L.C
  elseif L.op == "separable" then
    macs = L.MH * L.MW * L.MC * L.kh * L.kw + L.OH * L.OW * L.OC * L.pw.S
    params = dwp(L.C, L.mult, L.kh, L.kw) + pwp(L.pw)
    std = L.OH * L.OW * L.OC * L.C * L.kh * L.kw
  elseif L.op == "dwdeconv" then
    macs = L.H * L.W * L.C * L.kh * L.kw
    params = dwp(L.C, 1, L.kh, L.kw)
    std = L.H * L.W * L.C * L.C * L.kh * L.kw
  else -- bottleneck
    macs = L.MH * L.MW * L.C * L.kh * L.kw + L.MH * L.MW * L.OC * L.pw.S +
           L.MH * L.MW * L.OC * L.up.kh * L.up.kw
    params = dwp(L.C, 1, L.kh, L.kw) + pwp(L.pw) + dwp(L.OC, 1, L.up.kh, L.up.kw)
    std = L.OH * L.OW * L.OC * L.C * L.kh * L.kw
  end
  return macs, params, std
end

-- The projection of separable layer L as its depthwise stage leaves the
-- intermediate.  An intermediate whose pixels lie a multiple of 4 KiB apart
-- (1024 channels) would put all of a projection tile's input rows in one L1
-- set, forcing short tiles (plan_pw.rows_conflict): the depthwise stage
-- writes it padded by one cache line per pixel instead (pw.istride), so the
-- projection keeps its tallest tile (targets with tg.pad_rows; dense
-- projections; docs/design.md#padded-1024-channel-intermediates).
local function padded_intermediate(tg, L)
  local rows = 0
  for _, c in ipairs(tg.pw_tiles or {}) do rows = max(rows, min(c[1], L.MH * L.MW)) end
  if not (tg.pad_rows and not L.pw.topo and plan_pw.rows_conflict(tg, L.MC, rows)) then return L.pw end
  local pwd = util.copy(L.pw)
  pwd.istride = L.MC + util.idiv(tg.line_bytes, 4)
  return pwd
end

-- Plans one validated layer for target `tname`; fuse: "auto", "always" or
-- "never" (separable layers).
function M.layer(L, tname, fuse)
  local tg = targets[tname] or targets.scalar
  local p = { L = L, target = tg.name, stages = {} }
  p.macs, p.params, p.std_macs = cost(L)
  local res = L.residual == "self" and "in" or L.residual == "named" and "skip" or nil
  local woff, scratch = 0, 0
  local function add(st)
    p.stages[#p.stages + 1] = st
    woff = woff + st.wfloats
    scratch = scratch + (st.staged_floats or 0)
    return st
  end
  -- a depthwise stage: its geometry (pads: top, left, bottom, right) and
  -- its wiring
  local function geometry(deconv, H, W, C, OH, OW, kh, kw, sh, sw, dh, dw_, pads, mult)
    return { deconv = deconv, H = H, W = W, C = C, OH = OH, OW = OW, kh = kh, kw = kw, sh = sh, sw = sw,
             dh = dh, dw = dw_, pt = pads[1], pl = pads[2], pb = pads[3], pr = pads[4], mult = mult, OC = C * mult }
  end
  local function dw(input, act, r, src, dst, ostride)
    input.bias, input.act, input.res, input.ostride = L.bias, act, r, ostride
    input.woff, input.src, input.dst, input.scratch_at = woff, src, dst, scratch
    return add(stage(tg, "spatial", input))
  end
  local function pw(proj, P, act, r, src, dst, extra)
    local input = { pw = proj, P = P, cin = proj.cin, cout = proj.cout, S = proj.S, bias = L.bias,
                    istride = proj.istride or proj.cin, act = act, res = r, woff = woff, src = src, dst = dst }
    for k, v in pairs(extra or {}) do input[k] = v end
    return stage(tg, "pw", input)
  end
  local pads = { L.pt, L.pl, L.pb, L.pr }
  local op = L.op
  if op == "dwconv" then
    dw(geometry(false, L.H, L.W, L.C, L.OH, L.OW, L.kh, L.kw, L.sh, L.sw, L.dh, L.dw, pads, L.mult), L.act, res,
      { "in" }, { "out" })
  elseif op == "dwdeconv" then
    dw(geometry(true, L.H, L.W, L.C, L.OH, L.OW, L.kh, L.kw, L.sh, L.sw, L.dh, L.dw, pads, 1), L.act, res,
      { "in" }, { "out" })
  elseif op == "pwconv" then
    add(pw(L.pw, L.H * L.W, L.act, res, { "in" }, { "out" }))
  elseif op == "separable" then
    local pwd = padded_intermediate(tg, L)
    local ostride = pwd.istride
    scratch = L.MH * L.MW * (ostride or L.MC)
    local d = dw(geometry(false, L.H, L.W, L.C, L.MH, L.MW, L.kh, L.kw, L.sh, L.sw, L.dh, L.dw, pads, L.mult),
      L.dw_act, nil, { "in" }, { "scratch", 0 }, ostride)
    local q = add(pw(pwd, L.MH * L.MW, L.act, res, { "scratch", 0 }, { "out" }))
    p.fusion = plan_fuse.decide(tg, L, d, q, fuse or "auto")
    if p.fusion.kind == "fused" then
      p.fused = plan_fuse.bands(tg, L, d, q, p.fusion, band_variant, function(n, lines)
        return pw(pwd, n * L.MW, q.act, q.res, { "scratch", 0 }, { "out" },
          { woff = q.woff, force_nr = (not q.pair) and q.nr or nil, force_pair = q.pair ~= nil, band_rows = n,
            band_lines = lines })
      end)
      scratch = p.fused.band_floats
    end
  else -- bottleneck
    local a, b = L.MH * L.MW * L.C, L.MH * L.MW * L.OC
    scratch = a + b
    dw(geometry(false, L.H, L.W, L.C, L.MH, L.MW, L.kh, L.kw, L.sh, L.sw, 1, 1, pads, 1), L.dw_act, nil,
      { "in" }, { "scratch", 0 })
    add(pw(L.pw, L.MH * L.MW, L.mid_act, nil, { "scratch", 0 }, { "scratch", a }))
    local up = L.up
    dw(geometry(true, L.MH, L.MW, L.OC, L.OH, L.OW, up.kh, up.kw, L.sh, L.sw, 1, 1, { up.pt, up.pl, up.pb, up.pr },
      1), L.act, res, { "scratch", a }, { "out" })
  end
  p.packed_floats = woff
  p.scratch_floats = scratch
  return p
end

-- Plans a whole validated net.
function M.net(net, tname, fuse)
  local r = { net = net, target = tname, layers = {} }
  local tm, tp, ts = 0, 0, 0
  for i, L in ipairs(net.layers) do
    local p = M.layer(L, tname, fuse)
    r.layers[i] = p
    tm, tp, ts = tm + p.macs, tp + p.params, ts + p.std_macs
  end
  r.macs, r.params, r.std_macs = tm, tp, ts
  return r
end

return M
