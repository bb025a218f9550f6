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
local plan_par = require("plan_par")
local plan_net = require("plan_net")
local arena = require("arena")

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
    { "wnames", "input", "{w, b}: the sg_weights pointers it packs (dw_w/dw_b, or up_w/up_b)" },
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
    { "band_pixels", "input", "a projection layer split in bands of pixels (threads): the band's pixels" },
    { "band_lines", "input", "a fused band's projection: lines of the next band's input to prefetch" },
    { "o_first", "input", "a channel block (threads): the layer's first output channel it computes" },
    { "ostride", "input", "a channel block (threads): floats from one output pixel to the next (the layer's cout)" },
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
    { "wnames", "input", "{w, b}: the sg_weights pointers it packs (pw_w/pw_b, fc_w/fc_b, se_w1/se_b1, ...)" },
  },
  -- a standard (or grouped) convolution, for stems
  conv = {
    { "kind", "input", '"conv"' }, { "target", "input", "the target's name" },
    { "deconv", "input", "false (the borders step reads it)" }, { "mult", "input", "1 (likewise)" },
    { "H", "input", "input height" }, { "W", "input", "input width" }, { "C", "input", "input channels" },
    { "OH", "input", "output height" }, { "OW", "input", "output width" }, { "OC", "input", "output channels" },
    { "kh", "input", "kernel height" }, { "kw", "input", "kernel width" },
    { "sh", "input", "stride, rows" }, { "sw", "input", "stride, columns" },
    { "dh", "input", "dilation, rows" }, { "dw", "input", "dilation, columns" },
    { "pt", "input", "padding top" }, { "pl", "input", "padding left" },
    { "pb", "input", "padding bottom" }, { "pr", "input", "padding right" },
    { "groups", "input", "groups" }, { "bias", "input", "the layer has biases" },
    { "act", "input", "activation" }, { "res", "input", "residual buffer" },
    { "woff", "input", "first float of its packed weights" }, { "src", "input", "where it reads" },
    { "dst", "input", "where it writes" }, { "scratch_at", "input", "scratch offset for a staged copy" },
    { "tap_lines", "input", "generated lines per tap, for the border estimate" },
    { "row_range", "input", "with threads: computes the output rows y0 .. y1 - 1 given as arguments" },
    { "wnames", "input", "{w, b}: conv_w, conv_b" },
    { "rows", "borders", "row classes" }, { "cols", "borders", "column classes" },
    { "regions", "borders", "{r, c}: one unrolled region each" },
    { "border_lines", "borders", "estimated lines of unrolled regions" },
    { "border_budget", "borders", "the budget of such lines" },
    { "staged", "borders", "the zero-padded input copy, or nil" },
    { "staged_floats", "borders", "its floats" }, { "stage_off", "borders", "its scratch offset" },
    { "top", "borders", "rows of padding of the image taps are measured in" },
    { "left", "borders", "columns of it" }, { "in_w", "borders", "its width" },
    { "nr", "tile", "output channels per panel" }, { "ur", "tile", "output pixels per step" },
    { "nv", "tile", "vectors per panel (vector code)" }, { "simd", "tile", "true: vector code" },
    { "isa", "tile", "the target whose intrinsics it spells" }, { "cout_g", "tile", "outputs per group" },
    { "npanels", "tile", "full panels per group" }, { "ntail", "tile", "outputs of the tail panel" },
    { "tail_nv", "tile", "vectors of the tail panel" },
    { "lastn", "tile", "lanes of a panel's last vector that hold outputs" },
    { "tail_lastn", "tile", "likewise for the tail panel" },
    { "why_scalar", "tile", '"no_masks": panels not whole vectors on a target without masks' },
    { "cin_g", "packing", "input channels per group" }, { "nr_pad", "packing", "a panel's packed width" },
    { "ntail_pad", "packing", "the tail panel's" }, { "panel_stride", "packing", "floats of a panel" },
    { "tail_stride", "packing", "floats of the tail panel" }, { "group_stride", "packing", "floats a group" },
    { "wfloats", "packing", "packed floats" },
    { "template", "code", "the template that writes it" },
  },
  -- a windowed pool: depthwise borders, no weights
  pool = {
    { "kind", "input", '"pool"' }, { "target", "input", "the target's name" },
    { "deconv", "input", "false" }, { "mult", "input", "1" }, { "bias", "input", "false" },
    { "H", "input", "input height" }, { "W", "input", "input width" }, { "C", "input", "channels" },
    { "OH", "input", "output height" }, { "OW", "input", "output width" }, { "OC", "input", "channels" },
    { "kh", "input", "window height" }, { "kw", "input", "window width" },
    { "sh", "input", "stride, rows" }, { "sw", "input", "stride, columns" },
    { "dh", "input", "1" }, { "dw", "input", "1" },
    { "pt", "input", "padding top" }, { "pl", "input", "padding left" },
    { "pb", "input", "padding bottom" }, { "pr", "input", "padding right" },
    { "pool", "input", '"avg" or "max"' }, { "count_pad", "input", "avg: divide by kh*kw" },
    { "no_staging", "input", "true: never a zero-padded copy" },
    { "act", "input", "activation" }, { "res", "input", "residual buffer" },
    { "woff", "input", "0" }, { "wfloats", "input", "0: no weights" },
    { "src", "input", "where it reads" }, { "dst", "input", "where it writes" },
    { "scratch_at", "input", "unused (no staging)" },
    { "row_range", "input", "with threads: computes the output rows y0 .. y1 - 1 given as arguments" },
    { "rows", "borders", "row classes" }, { "cols", "borders", "column classes" },
    { "regions", "borders", "{r, c}" }, { "border_lines", "borders", "estimated lines" },
    { "border_budget", "borders", "budget" }, { "staged", "borders", "nil" },
    { "staged_floats", "borders", "0" }, { "stage_off", "borders", "nil" },
    { "top", "borders", "0" }, { "left", "borders", "0" }, { "in_w", "borders", "W" },
    { "tiles", "tiles", "channel tiles" }, { "ur", "tiles", "pixels per step" },
    { "simd", "tiles", "true: vector code" }, { "isa", "tiles", "the target" },
    { "tile_why", "tiles", "what the tile choice compared" },
    { "template", "code", "the template that writes it" },
  },
  -- a global pool (over every pixel), the average of se's squeeze too
  gpool = {
    { "kind", "input", '"gpool"' }, { "target", "input", "the target's name" },
    { "P", "input", "pixels" }, { "C", "input", "channels" }, { "pool", "input", '"avg" or "max"' },
    { "act", "input", "activation" }, { "res", "input", "residual buffer" },
    { "woff", "input", "0" }, { "wfloats", "input", "0" },
    { "src", "input", "where it reads" }, { "dst", "input", "where it writes" },
    { "template", "code", "the template that writes it" },
    { "isa", "code", "vector code: the target whose intrinsics it spells" },
    { "nv", "code", "vector code: vectors of channels a tile accumulates" },
  },
  -- softmax over the channels of each pixel
  softmax = {
    { "kind", "input", '"softmax"' }, { "target", "input", "the target's name" },
    { "P", "input", "pixels" }, { "C", "input", "channels" },
    { "act", "input", "activation" }, { "res", "input", "residual buffer" },
    { "woff", "input", "0" }, { "wfloats", "input", "0" },
    { "src", "input", "where it reads" }, { "dst", "input", "where it writes" },
    { "template", "code", "the template that writes it" },
    { "isa", "code", "vector code: the target whose intrinsics it spells" },
  },
  -- se's last stage: the input scaled per channel by the gate
  scale = {
    { "kind", "input", '"scale"' }, { "target", "input", "the target's name" },
    { "P", "input", "pixels" }, { "C", "input", "channels" },
    { "act", "input", "activation" }, { "res", "input", "residual buffer" },
    { "woff", "input", "0" }, { "wfloats", "input", "0" },
    { "src", "input", "where it reads" }, { "dst", "input", "where it writes" },
    { "gate_at", "input", "scratch offset of the gate vector [C]" },
    { "template", "code", "the template that writes it" },
    { "isa", "code", "vector code: the target whose intrinsics it spells" },
  },
  layer = {
    { "L", "layer", "the validated layer (shapes.lua)" }, { "target", "layer", "the target's name" },
    { "stages", "layer", "the stage records, in order" },
    { "macs", "layer", "multiply-accumulates" }, { "params", "layer", "weights and biases" },
    { "std_macs", "layer", "a standard convolution's MACs with the same shapes" },
    { "fusion", "layer", "separable layers: the fusion decision (plan_fuse.decide: kind and what it compared)" },
    { "fused", "layer", "a fused layer's bands (the fused record below), or nil" },
    { "ch_blocks", "layer", "with threads, an fc's or projection's output channel blocks {first, end}" },
    { "mid_floats", "layer", "a separable layer in channel blocks: the floats of its whole depthwise output" },
    { "pw_bands", "layer", "with threads, a projection layer's bands {B, bands, pw, pw_of, unit} (plan_par.pw_split)" },
    { "dw_bands", "layer", "with threads, a depthwise layer's row bands {B, bands, dw} (plan_fuse.dw_bands)" },
    { "par", "layer", "the split for N_forward_par (plan_par.split): bands, or one thread and why" },
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
  conv = { "borders", "tile", "packing", "code" },
  pool = { "borders", "tiles", "code" },
  gpool = { "code" }, softmax = { "code" }, scale = { "code" },
}
-- the module and function of each step of a kind
local STEP_FN = {
  spatial = function(step) return plan_dw[step] end,
  pw = function(step) return plan_pw[step] end,
  conv = function(step) return plan_net["conv_" .. step] end,
  pool = function(step) return plan_net["pool_" .. step] end,
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
  conv = function(tg, st) return { template = (st.simd and tg.template_dir or "scalar") .. "/conv.c.in" } end,
  pool = function() return { template = "scalar/pool.c.in" } end,
  -- vector code: tiles of up to half the vector registers, each an
  -- accumulator (7x7x1024 avg on avx512: 4 took 3.11 us, 16 take 1.74)
  gpool = function(tg, st)
    if not tg.simd or st.C < tg.vw then return { template = "scalar/gpool.c.in" } end
    return { template = tg.template_dir .. "/gpool.c.in", isa = tg,
             nv = math.min(util.idiv(tg.regs, 2), util.idiv(st.C, tg.vw)) }
  end,
  -- vector code when the channels fill a vector (Exp_v: simd/exp.c.in)
  softmax = function(tg, st)
    if not tg.simd or st.C < tg.vw then return { template = "scalar/softmax.c.in" } end
    return { template = tg.template_dir .. "/softmax.c.in", isa = tg }
  end,
  scale = function(tg, st)
    if not tg.simd or st.C < tg.vw then return { template = "scalar/scale.c.in" } end
    return { template = tg.template_dir .. "/scale.c.in", isa = tg }
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
  for _, step in ipairs(STEPS[kind]) do
    local f = step == "code" and CODE[kind] or STEP_FN[kind](step)
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
  elseif L.op == "bottleneck" then
    macs = L.MH * L.MW * L.C * L.kh * L.kw + L.MH * L.MW * L.OC * L.pw.S +
           L.MH * L.MW * L.OC * L.up.kh * L.up.kw
    params = dwp(L.C, 1, L.kh, L.kw) + pwp(L.pw) + dwp(L.OC, 1, L.up.kh, L.up.kw)
    std = L.OH * L.OW * L.OC * L.C * L.kh * L.kw
  elseif L.op == "conv" then
    -- against the dense convolution: a grouped one saves its groups
    local g = L.groups or 1
    macs = L.OH * L.OW * L.OC * util.idiv(L.C, g) * L.kh * L.kw
    params = L.OC * util.idiv(L.C, g) * L.kh * L.kw + (L.bias and L.OC or 0)
    std = L.OH * L.OW * L.OC * L.C * L.kh * L.kw
  else
    -- pool (an add or a compare a window cell), fc, se (the means, the two
    -- fully connected layers, the scaling), softmax (one exponential and
    -- one product a value, counted as one): nothing to factorize
    local n = L.H * L.W * L.C
    if L.op == "pool" then
      macs, params = L.OH * L.OW * L.C * L.kh * L.kw, 0
    elseif L.op == "fc" then
      macs, params = n * L.OC, (n + (L.bias and 1 or 0)) * L.OC
    elseif L.op == "se" then
      macs = 2 * n + 2 * L.C * L.reduce
      params = 2 * L.C * L.reduce + (L.bias and (L.C + L.reduce) or 0)
    else
      macs, params = n, 0
    end
    std = macs
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

-- The stage builder of one layer (M.layer): it keeps the running offsets
-- of the packed weights and of the scratch, and wires each stage.
local function builder(p, tg, L, threads)
  local b = { p = p, tg = tg, L = L, woff = 0, scratch = 0, threads = threads,
              res = L.residual == "self" and "in" or L.residual == "named" and "skip" or nil }
  function b.add(st)
    p.stages[#p.stages + 1] = st
    b.woff = b.woff + st.wfloats
    b.scratch = b.scratch + (st.staged_floats or 0)
    return st
  end
  -- a stage of `kind` from its input fields, at the current offsets
  function b.new(kind, input)
    input.woff = input.woff or b.woff
    return stage(tg, kind, input)
  end
  -- a depthwise stage: its geometry (pads: top, left, bottom, right) and
  -- its wiring
  function b.geometry(deconv, H, W, C, OH, OW, kh, kw, sh, sw, dh, dw_, pads, mult)
    return { deconv = deconv, H = H, W = W, C = C, OH = OH, OW = OW, kh = kh, kw = kw, sh = sh, sw = sw,
             dh = dh, dw = dw_, pt = pads[1], pl = pads[2], pb = pads[3], pr = pads[4], mult = mult, OC = C * mult }
  end
  function b.dw(input, act, r, src, dst, ostride, wnames)
    input.bias, input.act, input.res, input.ostride = L.bias, act, r, ostride
    input.src, input.dst, input.scratch_at = src, dst, b.scratch
    input.wnames = wnames or { w = "dw_w", b = "dw_b" }
    return b.add(b.new("spatial", input))
  end
  -- projection q over the n-row bands of a w-pixel-wide layer: the same
  -- panels and pixel pairs as q, so it reads q's packed weights (fused and
  -- banded layers); lines: the next band's input to prefetch, or nil
  function b.band_pw(q, proj, n, w, src, lines, pixels)
    local st = b.pw(proj, n * w, q.act, q.res, src, { "out" },
      { woff = q.woff, force_nr = (not q.pair) and q.nr or nil, force_pair = q.pair ~= nil,
        band_rows = not pixels and n or nil, band_pixels = pixels and n or nil, band_lines = lines })
    assert(st.nr == q.nr and st.wfloats == q.wfloats and (st.pair ~= nil) == (q.pair ~= nil),
      "a band's projection packs differently")
    return st
  end
  function b.pw(proj, P, act, r, src, dst, extra)
    local input = { pw = proj, P = P, cin = proj.cin, cout = proj.cout, S = proj.S, bias = L.bias,
                    istride = proj.istride or proj.cin, act = act, res = r, src = src, dst = dst,
                    wnames = { w = "pw_w", b = "pw_b" } }
    for k, v in pairs(extra or {}) do input[k] = v end
    return b.new("pw", input)
  end
  return b
end

local function pads_of(L) return { L.pt, L.pl, L.pb, L.pr } end

-- A convolution or windowed pool stage; with threads, when it reads its
-- input in place (not staged) and is worth a parallel call, built again
-- to compute the output rows given as arguments (row_range), so tasks
-- share the rows (plan_par.split).
local function rows_stage(b, kind, input)
  local st = b.new(kind, util.copy(input))
  if plan_par.worth(b.tg, b.p, b.threads) and not st.staged and input.OH >= 2 then
    input.row_range = true
    st = b.new(kind, input)
  end
  return st
end

-- The stages of each op.
local BUILD = {}

-- With threads, a depthwise layer that reads its input in place runs in
-- row bands of its own (plan_fuse.dw_bands, about 4 per worker), a
-- variant of the stage per band shape writing from its first row.
function BUILD.dwconv(b, L)
  local d = b.dw(b.geometry(false, L.H, L.W, L.C, L.OH, L.OW, L.kh, L.kw, L.sh, L.sw, L.dh, L.dw, pads_of(L),
    L.mult), L.act, b.res, { "in" }, { "out" })
  if plan_par.worth(b.tg, b.p, b.threads) and not d.staged and L.OH >= 2 then
    local B = plan_par.class_rows(d.rows, L.OH, plan_par.band_rows(L.OH, b.threads), b.threads)
    local bands, variants = plan_fuse.dw_bands(d, B, d.pairs and B >= 2, band_variant)
    b.p.dw_bands = { B = B, bands = bands, dw = variants }
  end
end

function BUILD.dwdeconv(b, L)
  b.dw(b.geometry(true, L.H, L.W, L.C, L.OH, L.OW, L.kh, L.kw, L.sh, L.sw, L.dh, L.dw, pads_of(L), 1),
    L.act, b.res, { "in" }, { "out" })
end

-- With threads, a dense projection of two pixels or more runs in bands of
-- rows, or of pixels when its rows are too few to split evenly
-- (plan_par.pw_split), one kernel per band height, packed like the whole;
-- or, when its weights also outweigh its input, one stage per block of
-- output channels (plan_par.channel_blocks), as an fc.
function BUILD.pwconv(b, L)
  local q = b.pw(L.pw, L.H * L.W, L.act, b.res, { "in" }, { "out" })
  local rows
  if plan_par.worth(b.tg, b.p, b.threads) and L.H * L.W >= 2 and q.mode ~= "classes" and q.mode ~= "gather" then
    rows = plan_par.pw_split(L.H, L.W, b.threads, q.mr)
    if rows.unit == "rows" and L.H < 2 then rows = nil end
  end
  -- too few rows, and weights outweighing the input: blocks of output
  -- channels, so that each thread reads its share of the weights only
  local blocks = rows and rows.unit == "pixels" and L.pw.groups == 1 and not L.pw.topo and
    L.OC * L.pw.S >= L.H * L.W * L.C and plan_par.channel_blocks(L.OC, b.threads, b.tg.vw or 1)
  if blocks then
    for _, c in ipairs(blocks) do
      b.add(b.pw({ cin = L.C, cout = c[2] - c[1], S = L.pw.S, groups = 1 }, L.H * L.W, L.act, b.res, { "in" },
        { "out" }, { o_first = c[1], ostride = L.OC, force_pair = false }))
    end
    b.p.ch_blocks = blocks
    return
  end
  b.add(q)
  if rows then
    rows.pw_of, rows.pw = {}, {}
    for _, band in ipairs(rows.bands) do
      local n = band.n
      if not rows.pw_of[n] then
        rows.pw_of[n] = rows.unit == "pixels" and b.band_pw(q, L.pw, n, 1, { "in" }, nil, true)
          or b.band_pw(q, L.pw, n, L.W, { "in" })
        rows.pw[#rows.pw + 1] = n
      end
    end
    b.p.pw_bands = rows
  end
end

function BUILD.separable(b, L, fuse)
  local tg, p = b.tg, b.p
  local pwd = padded_intermediate(tg, L)
  local ostride = pwd.istride
  b.scratch = L.MH * L.MW * (ostride or L.MC)
  local d = b.dw(b.geometry(false, L.H, L.W, L.C, L.MH, L.MW, L.kh, L.kw, L.sh, L.sw, L.dh, L.dw, pads_of(L),
    L.mult), L.dw_act, nil, { "in" }, { "scratch", 0 }, ostride)
  -- with threads and few output rows: each task the whole depthwise
  -- output, then its blocks of output channels (plan_par.sep_blocks)
  local blocks, by_blocks, by_rows
  local par_auto = plan_par.worth(tg, p, b.threads) and (fuse or "auto") == "auto"
  if par_auto and not d.staged and L.pw.groups == 1 and not L.pw.topo then
    blocks, by_blocks, by_rows = plan_par.sep_blocks(L, b.threads, tg.vw or 1)
  end
  if blocks then
    for _, c in ipairs(blocks) do
      b.add(b.pw({ cin = pwd.cin, cout = c[2] - c[1], S = pwd.S, groups = 1, istride = pwd.istride },
        L.MH * L.MW, L.act, b.res, { "scratch", 0 }, { "out" }, { o_first = c[1], ostride = L.OC, force_pair = false }))
    end
    p.ch_blocks, p.mid_floats = blocks, b.scratch
    p.fusion = { kind = "blocks", mid_bytes = 4 * b.scratch, by_blocks = by_blocks, by_rows = by_rows,
                 rows = L.MH, threads = b.threads }
    return
  end
  local q = b.add(b.pw(pwd, L.MH * L.MW, L.act, b.res, { "scratch", 0 }, { "out" }))
  -- with threads, every band is a task's unit: fuse whenever the layer can
  if par_auto then fuse = "threads" end
  p.fusion = plan_fuse.decide(tg, L, d, q, fuse or "auto", b.threads)
  if p.fusion.kind == "fused" then
    p.fused = plan_fuse.bands(tg, L, d, p.fusion, band_variant, function(n, lines)
      return b.band_pw(q, pwd, n, L.MW, { "scratch", 0 }, lines)
    end)
    b.scratch = p.fused.band_floats
  end
end

function BUILD.bottleneck(b, L)
  local a, c = L.MH * L.MW * L.C, L.MH * L.MW * L.OC
  b.scratch = a + c
  b.dw(b.geometry(false, L.H, L.W, L.C, L.MH, L.MW, L.kh, L.kw, L.sh, L.sw, 1, 1, pads_of(L), 1), L.dw_act, nil,
    { "in" }, { "scratch", 0 })
  b.add(b.pw(L.pw, L.MH * L.MW, L.mid_act, nil, { "scratch", 0 }, { "scratch", a }))
  local up = L.up
  b.dw(b.geometry(true, L.MH, L.MW, L.OC, L.OH, L.OW, up.kh, up.kw, L.sh, L.sw, 1, 1,
    { up.pt, up.pl, up.pb, up.pr }, 1), L.act, b.res, { "scratch", a }, { "out" }, nil, { w = "up_w", b = "up_b" })
end

function BUILD.conv(b, L)
  local input = b.geometry(false, L.H, L.W, L.C, L.OH, L.OW, L.kh, L.kw, L.sh, L.sw, L.dh, L.dw, pads_of(L), 1)
  input.OC, input.groups, input.bias, input.act, input.res = L.OC, L.groups or 1, L.bias, L.act, b.res
  input.src, input.dst, input.scratch_at, input.tap_lines = { "in" }, { "out" }, b.scratch, 3
  input.wnames = { w = "conv_w", b = "conv_b" }
  b.add(rows_stage(b, "conv", input))
end

function BUILD.pool(b, L)
  local io = { act = L.act, res = b.res, wfloats = 0, src = { "in" }, dst = { "out" } }
  if L.global then
    io.P, io.C, io.pool = L.H * L.W, L.C, L.pool
    b.add(b.new("gpool", io))
    return
  end
  local input = b.geometry(false, L.H, L.W, L.C, L.OH, L.OW, L.kh, L.kw, L.sh, L.sw, 1, 1, pads_of(L), 1)
  for k, v in pairs(io) do input[k] = v end
  input.pool, input.count_pad, input.no_staging, input.bias, input.scratch_at =
    L.pool, L.count_pad, true, false, b.scratch
  b.add(rows_stage(b, "pool", input))
end

-- With threads, an fc worth a parallel call and without a residual is one
-- projection stage per block of output channels (plan_par.channel_blocks), each
-- packing and computing its rows of fc_w: its tasks share the blocks, and
-- each thread reads only its blocks' weights (an fc is one pixel: all its
-- time is the weights' traffic).
function BUILD.fc(b, L)
  local n = L.H * L.W * L.C
  local blocks = not b.res and plan_par.worth(b.tg, b.p, b.threads) and
    plan_par.channel_blocks(L.OC, b.threads, b.tg.vw or 1)
  if not blocks then
    b.add(b.pw({ cin = n, cout = L.OC, S = n, groups = 1 }, 1, L.act, b.res, { "in" }, { "out" },
      { wnames = { w = "fc_w", b = "fc_b" } }))
    return
  end
  for _, c in ipairs(blocks) do
    b.add(b.pw({ cin = n, cout = c[2] - c[1], S = n, groups = 1 }, 1, L.act, nil, { "in" }, { "out" },
      { wnames = { w = "fc_w", b = "fc_b" }, o_first = c[1], force_pair = false }))
  end
  b.p.ch_blocks = blocks
end

-- se: the channel means (scratch [C]), the squeeze and the excitation (two
-- fully connected layers over one pixel: [reduce], then the gate [C]),
-- then the input scaled by the gate.
function BUILD.se(b, L)
  local C, R = L.C, L.reduce
  b.scratch = 2 * C + R
  b.add(b.new("gpool", { P = L.H * L.W, C = C, pool = "avg", wfloats = 0, src = { "in" }, dst = { "scratch", 0 } }))
  b.add(b.pw({ cin = C, cout = R, S = C, groups = 1 }, 1, L.se_act, nil, { "scratch", 0 }, { "scratch", C },
    { wnames = { w = "se_w1", b = "se_b1" } }))
  b.add(b.pw({ cin = R, cout = C, S = R, groups = 1 }, 1, L.gate, nil, { "scratch", C }, { "scratch", C + R },
    { wnames = { w = "se_w2", b = "se_b2" } }))
  b.add(b.new("scale", { P = L.H * L.W, C = C, act = L.act, res = b.res, wfloats = 0, src = { "in" },
    dst = { "out" }, gate_at = C + R }))
end

function BUILD.softmax(b, L)
  b.add(b.new("softmax", { P = L.H * L.W, C = L.C, act = L.act, res = b.res, wfloats = 0, src = { "in" },
    dst = { "out" } }))
end

-- Plans one validated layer for target `tname`; fuse: "auto", "always" or
-- "never" (separable layers); threads: the workers N_forward_par may get
-- (default 1): a split layer's scratch holds one band per worker;
-- optimize: "size" for the smaller tiles of targets.SIZE, else nil.
function M.layer(L, tname, fuse, threads, optimize)
  local tg = targets.get(tname, optimize)
  threads = threads or 1
  local p = { L = L, target = tg.name, stages = {} }
  p.macs, p.params, p.std_macs = cost(L)
  local b = builder(p, tg, L, threads)
  BUILD[L.op](b, L, fuse)
  p.packed_floats = b.woff
  p.par = plan_par.split(tg, p, threads)
  p.scratch_floats = p.par.kind == "bands" and p.par.task_floats > 0 and threads * p.par.task_floats or b.scratch
  return p
end

-- Plans a whole validated net (threads, optimize: as M.layer).
function M.net(net, tname, fuse, threads, optimize)
  local r = { net = net, target = tname, layers = {}, threads = threads or 1, optimize = optimize }
  local tm, tp, ts = 0, 0, 0
  for i, L in ipairs(net.layers) do
    local p = M.layer(L, tname, fuse, threads, optimize)
    r.layers[i] = p
    tm, tp, ts = tm + p.macs, tp + p.params, ts + p.std_macs
  end
  r.macs, r.params, r.std_macs = tm, tp, ts
  r.arena = arena.plan(r)   -- nil unless the file is one chain
  return r
end

return M
