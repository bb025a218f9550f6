-- emit.lua - plan + templates -> C text.  Knows which template renders
-- which stage and what each template is given; no arithmetic beyond
-- naming and layout.
local util = require("util")
local template = require("template")
local cindent = require("cindent")
local targets = require("targets")

local M = {}

M.template_dir = "templates"

local cache = {}
local function tpl(name)
  if not cache[name] then
    local f = assert(io.open(M.template_dir .. "/" .. name, "rb"))
    cache[name] = f:read("*a")
    f:close()
  end
  return cache[name]
end

local function render(name, vars)
  return template.render(tpl(name), name, vars)
end

-- Shared pieces of templates: include(name, vars) renders templates/<name>
-- with the helpers every template gets plus `vars`, without its last newline
-- (the including line adds one).
local helpers
local function include(name, vars)
  local v = {}
  for k, x in pairs(helpers) do v[k] = x end
  for k, x in pairs(vars) do v[k] = x end
  return (render(name, v):gsub("\n+$", ""))
end

local OPNAME = { dwconv = "SG_OP_DWCONV", pwconv = "SG_OP_PWCONV", separable = "SG_OP_SEPARABLE",
                 dwdeconv = "SG_OP_DWDECONV", bottleneck = "SG_OP_BOTTLENECK" }
local RESNAME = { none = "SG_RESIDUAL_NONE", self = "SG_RESIDUAL_SELF", named = "SG_RESIDUAL_NAMED" }

-- C statements clamping `v` (empty for no activation).
local function act_c(act)
  if not act then return "" end
  local s = {}
  if act.lo then s[#s + 1] = "v = v < " .. util.flt(act.lo) .. " ? " .. util.flt(act.lo) .. " : v;" end
  if act.hi then s[#s + 1] = "v = v > " .. util.flt(act.hi) .. " ? " .. util.flt(act.hi) .. " : v;" end
  return table.concat(s, " ")
end

local function act_init(act)
  if not act then return "{ 0, 0.0f, 0.0f }" end
  local flags = {}
  if act.lo then flags[#flags + 1] = "SG_ACT_LO" end
  if act.hi then flags[#flags + 1] = "SG_ACT_HI" end
  return "{ " .. table.concat(flags, " | ") .. ", " .. util.flt(act.lo or 0) .. ", " ..
         util.flt(act.hi or 0) .. " }"
end

local function act_name(act)
  if not act then return "none" end
  if act.lo == 0 and act.hi == 6 then return "relu6" end
  if act.lo == 0 and not act.hi then return "relu" end
  return "clamp [" .. (act.lo and string.format("%.9g", act.lo) or "-inf") .. ", " ..
         (act.hi and string.format("%.9g", act.hi) or "+inf") .. "]"
end
M.act_name = act_name

-- A linear expression: terms {coef, var} (zero coefficients dropped) plus
-- a constant, written the way a person would ("448 * vy + 16 * vx - 8").
local function lin(terms, const)
  local s = ""
  for _, t in ipairs(terms) do
    local c, v = t[1], t[2]
    if c ~= 0 then
      local term = c == 1 and v or (util.int(c) .. " * " .. v)
      s = s == "" and term or (s .. " + " .. term)
    end
  end
  const = const or 0
  if s == "" then return util.int(const) end
  if const > 0 then return s .. " + " .. util.int(const) end
  if const < 0 then return s .. " - " .. util.int(-const) end
  return s
end
M.lin = lin

-- " + n", " - n" or "" for an offset added to an index.
local function plus(n)
  if n > 0 then return " + " .. util.int(n) end
  if n < 0 then return " - " .. util.int(-n) end
  return ""
end

local function ilist(t)
  return table.concat(util.map(t, util.int), ", ")
end

local function signature(L, r)
  r = r or "restrict"
  if L.residual == "named" then
    return "const float *" .. r .. " in, const float *" .. r .. " skip, float *" .. r .. " out, " ..
           "const float *" .. r .. " packed, float *" .. r .. " scratch"
  end
  return "const float *" .. r .. " in, float *" .. r .. " out, const float *" .. r .. " packed, " ..
         "float *" .. r .. " scratch"
end

local function taps_text(taps)
  if #taps == 0 then return "none" end
  local a, b = taps[1].t, taps[#taps].t
  if #taps == b - a + 1 then
    if a == b then return util.int(a) end
    return util.int(a) .. ".." .. util.int(b)
  end
  return table.concat(util.map(taps, function(t) return util.int(t.t) end), ",")
end

local function region_comment(st, rc, cc)
  local function axis(c, what)
    if type(c.v0) == "string" then
      return what .. " y0.." .. c.v0 .. " + " .. util.int(c.band_n - 1)
    end
    local first, last = c.b * c.v0 + c.r, c.b * (c.v1 - 1) + c.r
    local s = what .. " " .. util.int(first)
    if last ~= first then
      s = s .. ".." .. util.int(last)
      if c.b > 1 then s = s .. " step " .. util.int(c.b) end
    end
    return s
  end
  return axis(rc, "rows") .. " x " .. axis(cc, "cols") .. ": kernel rows " .. taps_text(rc.taps) ..
         ", cols " .. taps_text(cc.taps) .. (#rc.taps * #cc.taps == st.kh * st.kw and " (interior)" or "")
end

helpers = { act_c = act_c, lin = lin, plus = plus, flt = util.flt, region_comment = region_comment,
            include = include }

local function pads_text(L)
  return string.format("top %d, left %d, bottom %d, right %d", L.pt, L.pl, L.pb, L.pr)
end

-- The comment block of one layer: shapes, kernel, cost, tiles and reasons,
-- the weight layout it expects.
local function comment_lines(p)
  local L = p.L
  local t = {}
  local function add(s) t[#t + 1] = s end
  add(string.format("input %dx%dx%d -> output %dx%dx%d (NHWC, float32)", L.H, L.W, L.C, L.OH, L.OW, L.OC))
  if L.op ~= "pwconv" then
    local pad = L.pad == "same" and "SAME" or L.pad == "valid" and "VALID" or "explicit"
    add(string.format("kernel %dx%d, stride %dx%d, dilation %dx%d, padding %s (%s)%s", L.kh, L.kw,
      L.sh, L.sw, L.dh, L.dw, pad, pads_text(L), L.mult > 1 and (", multiplier " .. L.mult) or ""))
  end
  if L.pw then
    local kind = "dense"
    if L.pw.groups > 1 then
      kind = L.pw.groups .. " groups"
    elseif L.pw.topo then
      kind = "topology grid_in {" .. ilist(L.pw.topo.grid_in) .. "}, grid_out {" ..
             ilist(L.pw.topo.grid_out) .. "}, window {" .. ilist(L.pw.topo.window) .. "}"
    end
    add(string.format("projection %d -> %d channels, %s, %d inputs per output", L.pw.cin, L.pw.cout, kind, L.pw.S))
  end
  if L.up then
    add(string.format("up: transposed depthwise %dx%d, stride %dx%d, to %dx%d (forward padding top %d, " ..
      "left %d, bottom %d, right %d)", L.up.kh, L.up.kw, L.sh, L.sw, L.OH, L.OW, L.up.pt, L.up.pl,
      L.up.pb, L.up.pr))
  end
  local acts = {}
  if L.op == "separable" or L.op == "bottleneck" then acts[#acts + 1] = "dw_act " .. act_name(L.dw_act) end
  if L.op == "bottleneck" then acts[#acts + 1] = "mid_act " .. act_name(L.mid_act) end
  acts[#acts + 1] = "act " .. act_name(L.act)
  acts[#acts + 1] = "bias " .. (L.bias and "yes" or "no")
  if L.residual == "self" then acts[#acts + 1] = "residual: the layer's input" end
  if L.residual == "named" then acts[#acts + 1] = "residual: the input of \"" .. L.skip_name .. "\" (argument skip)" end
  add(table.concat(acts, ", "))
  add(string.format("MACs %s (standard convolution: %s, %sx fewer), parameters %s", util.int(p.macs),
    util.int(p.std_macs), util.fixed(p.std_macs / p.macs, 1), util.int(p.params)))
  add(string.format("packed weights %s floats, scratch %s floats", util.int(p.packed_floats),
    util.int(p.scratch_floats)))
  for i, st in ipairs(p.stages) do
    add("")
    if st.kind == "spatial" then
      add(string.format("stage %d: %s %dx%d -> %dx%dx%d", i, st.deconv and "transposed depthwise" or
        "depthwise", st.kh, st.kw, st.OH, st.OW, st.OC))
      add("  tile: " .. st.tile_reason)
      add("  borders: " .. st.border_reason)
      add("  order: " .. st.order_reason .. (st.pairs and ("; " .. st.pairs_reason) or ""))
      if i == 1 and p.fusion_reason then add("  " .. p.fusion_reason) end
    else
      add(string.format("stage %d: projection %d pixels, %d -> %d channels", i, st.P, st.cin, st.cout))
      add("  tile: " .. st.tile_reason)
    end
  end
  add("")
  add("weights (sg_weights, TFLite layouts):")
  local C, OC = L.C, L.OC
  if L.op == "dwconv" or L.op == "separable" then
    add(string.format("  dw_w [%d][%d][%d], dw_b [%d]", L.kh, L.kw, C * L.mult, C * L.mult))
  elseif L.op == "dwdeconv" then
    add(string.format("  dw_w [%d][%d][%d], dw_b [%d]", L.kh, L.kw, C, C))
  elseif L.op == "bottleneck" then
    add(string.format("  dw_w [%d][%d][%d], dw_b [%d]", L.kh, L.kw, C, C))
  end
  if L.pw then add(string.format("  pw_w [%d][%d], pw_b [%d]", L.pw.cout, L.pw.S, L.pw.cout)) end
  if L.up then add(string.format("  up_w [%d][%d][%d], up_b [%d]", L.up.kh, L.up.kw, OC, OC)) end
  if not L.bias then add("  (bias = false: the bias pointers are not read and may be NULL)") end
  -- wrap long lines at 96 columns
  local r = {}
  for _, line in ipairs(t) do
    local indent = line:match("^(%s*)")
    while #line > 96 do
      local cut = line:sub(1, 96):match("^.*() ")
      if not cut or cut <= #indent + 10 then break end
      r[#r + 1] = line:sub(1, cut - 1)
      line = indent .. "    " .. line:sub(cut + 1)
    end
    r[#r + 1] = line
  end
  return r
end

local function buffer(ref)
  if ref[1] == "in" then return "in" end
  if ref[1] == "out" then return "out" end
  if ref[2] == 0 then return "scratch" end
  return "scratch + " .. util.int(ref[2])
end

-- Fused separable layers: one depthwise function per band shape (row class,
-- band height; the band's first row is an argument) and one projection per
-- band height.
local function fused_code(L, p, i, st, vars, tdir)
  local f = p.fused
  local parts = {}
  if i == 1 then
    for _, v in ipairs(f.dw) do
      local band = util.copy(st)
      local rc = util.copy(v.rc)
      rc.v0, rc.v1 = "y0", "y0 + " .. util.int(v.n)
      rc.band_n = v.n
      band.band = true
      band.regions = {}
      for _, rg in ipairs(st.regions) do
        if rg.r == v.rc then band.regions[#band.regions + 1] = { r = rc, c = rg.c } end
      end
      local bv = util.copy(vars)
      bv.st, bv.fn = band, "Dw_" .. L.name .. "_" .. v.name
      parts[#parts + 1] = render((st.tdir or tdir) .. "/spatial.c.in", bv)
    end
  else
    for _, n in ipairs(f.pw) do
      local pv = util.copy(vars)
      local q = f.pw_of[n]
      pv.st, pv.fn = q, "Pw_" .. L.name .. "_P" .. util.int(n * L.MW)
      parts[#parts + 1] = render((q.tdir or tdir) .. "/" .. (q.tname or q.kind) .. ".c.in", pv)
    end
  end
  return table.concat(parts, "\n")
end

-- The next-band input prefetch arguments of band b's projection
-- (plan.lua band_prefetch): "in, start, end", float offsets into the
-- input; in a loop of bands, expressions in y, the end clipped when the
-- loop's last band would run past the input.
local function band_prefetch_args(b)
  local pf = b.pf
  if not b.loop then return "in, " .. util.int(pf.f0) .. ", " .. util.int(pf.f1) end
  local function at(k) return "y * " .. util.int(pf.dy) .. plus(k) end
  local e1 = at(pf.c1)
  if pf.clip then e1 = "(" .. e1 .. " < " .. util.int(pf.clip) .. " ? " .. e1 .. " : " .. util.int(pf.clip) .. ")" end
  return "in, " .. at(pf.c0) .. ", " .. e1
end

local function fused_calls(L, p)
  local f = p.fused
  local calls = {}
  local q = p.stages[2]
  local row = L.MW * L.OC
  for _, b in ipairs(f.bands) do
    local dw = "Dw_" .. L.name .. "_" .. b.dw.name
    local pw = "Pw_" .. L.name .. "_P" .. util.int(b.n * L.MW)
    local w2 = "packed" .. plus(q.woff)
    local pf = b.pf and band_prefetch_args(b)
    local function call(y)
      local off = type(y) == "number" and plus(y * row) or (" + " .. y .. " * " .. util.int(row))
      local res = q.res and (", " .. q.res .. off) or ""
      return { dw .. "(in, scratch, packed, " .. (type(y) == "number" and util.int(y) or y) .. ");",
               pw .. "(scratch, out" .. off .. ", " .. w2 .. res .. (pf and (", " .. pf) or "") .. ");" }
    end
    if b.loop then
      calls[#calls + 1] = "for (int y = " .. util.int(b.start) .. "; y < " .. util.int(b.start + b.loop * b.n) ..
                          "; y += " .. util.int(b.n) .. ") {   /* bands of " .. util.int(b.n) .. " rows */"
      for _, c in ipairs(call("y")) do calls[#calls + 1] = "    " .. c end
      calls[#calls + 1] = "}"
    else
      for _, c in ipairs(call(b.start)) do calls[#calls + 1] = c end
    end
  end
  return calls
end

local function layer_code(net, p, tdir)
  local L = p.L
  local fname = net.name .. "_" .. L.name
  local stage_code, calls, packs = {}, {}, {}
  local prefix = { spatial = "Dw_", pw = "Pw_" }
  for i, st in ipairs(p.stages) do
    -- static names mix case, so they never meet a layer's (lower-case) names
    local fn = prefix[st.kind] .. L.name .. (#p.stages > 1 and ("_S" .. i) or "")
    if st.kind == "spatial" and st.deconv then fn = "Up_" .. L.name .. (#p.stages > 1 and ("_S" .. i) or "") end
    local vars = util.copy(helpers)
    vars.st, vars.fn = st, fn
    vars.src, vars.srcname = st.staged and "stage" or "in", "Src_" .. L.name .. "_S" .. i
    local code
    if p.fused then
      code = fused_code(L, p, i, st, vars, tdir)
    else
      code = render((st.tdir or tdir) .. "/" .. (st.tname or st.kind) .. ".c.in", vars)
    end
    if st.kind == "pw" and st.mode == "classes" then
      local rows = {}
      for _, c in ipairs(st.class_srcs) do rows[#rows + 1] = "    " .. ilist(c.src) .. "," end
      code = "/* source channels of each class of outputs (a window of the topology), increasing */\n" ..
             "static const int " .. vars.srcname .. "[" .. util.int(#st.class_srcs * st.S) .. "] = {\n" ..
             table.concat(rows, "\n") .. "\n};\n\n" .. code
    end
    if st.kind == "pw" and st.mode == "gather" then
      local rows = {}
      for o = 1, #st.srcs do
        rows[#rows + 1] = "    " .. ilist(st.srcs[o]) .. ","
      end
      code = "/* source channels of every output channel, increasing (topology, SPEC 3.3) */\n" ..
             "static const int " .. vars.srcname .. "[" .. util.int(st.cout * st.S) .. "] = {\n" ..
             table.concat(rows, "\n") .. "\n};\n\n" .. code
    end
    stage_code[#stage_code + 1] = code
    if p.fused and i == 1 then
      calls = fused_calls(L, p)
    end
    local args = { buffer(st.src), buffer(st.dst), "packed" .. (st.woff > 0 and (" + " .. util.int(st.woff)) or "") }
    if st.res then args[#args + 1] = st.res end
    if st.staged then args[#args + 1] = "scratch + " .. util.int(st.stage_off) end
    if not p.fused then calls[#calls + 1] = fn .. "(" .. table.concat(args, ", ") .. ");" end
    local ww, wb = "dw_w", "dw_b"
    if L.op == "bottleneck" and i == 3 then ww, wb = "up_w", "up_b" end
    packs[#packs + 1] = render("pack.c.in", { st = st, ww = ww, wb = wb })
  end
  return cindent.indent(render("layer.c.in", {
    p = p, fname = fname, comment_lines = comment_lines(p), stage_code = stage_code,
    calls = calls, pack_code = table.concat(packs), signature = signature,
  }))
end

-- Renders every file of a planned net.  Returns a list of {path, text}.
function M.net(plan, file, runtime_dir)
  local net = plan.net
  local tg = targets[plan.target] or targets.scalar
  local tdir = tg.template_dir or "scalar"
  local common = {
    net = net, plan = plan, file = file, target = plan.target, NET = net.name:upper(),
    human = util.human, signature = signature, ilist = ilist, act_init = act_init,
    OPNAME = OPNAME, RESNAME = RESNAME, cflags = tg.cflags,
    target_note = plan.target_note or "", header = tg.header,
  }
  local layers = {}
  for i, p in ipairs(plan.layers) do layers[i] = layer_code(net, p, tdir) end
  local cv = util.copy(common)
  cv.layer_code = layers
  local files = {
    { net.name .. ".h", render("net.h.in", common) },
    { net.name .. ".c", render("net.c.in", cv) },
    { "check/" .. net.name .. "_check.c", render("check.c.in", common) },
  }
  for _, rt in ipairs({ { "sg.h", "sg.h" }, { "check/sg_generic.c", "sg_generic.c" } }) do
    local f = io.open(runtime_dir .. "/" .. rt[2], "rb")
    if f then
      files[#files + 1] = { rt[1], f:read("*a") }
      f:close()
    end
  end
  return files
end

return M
