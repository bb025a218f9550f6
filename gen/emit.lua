-- emit.lua - plan + templates -> C text.  Knows which template renders
-- which stage and what each template is given; no arithmetic beyond
-- naming and layout.
local util = require("util")
local template = require("template")
local cindent = require("cindent")
local targets = require("targets")
local explain = require("explain")

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

-- Every name a template may read besides Lua's own: what emit.lua passes
-- (the helpers, the stage and layer variables, the variables of each
-- include).  render() refuses any other, and make test runs luacheck over
-- the translated templates with these as their globals, so a misspelt name
-- in a template is an error before it is a nil at generation time.
M.TEMPLATE_VARS = {
  -- helpers every stage template and include gets
  "act_c", "explain", "flt", "include", "lin", "plus", "region_comment", "row_at",
  -- a stage: the plan record, function name, input buffer, index table
  "st", "fn", "src", "srcname",
  -- layer.c.in and pack.c.in
  "p", "fname", "comment_lines", "stage_code", "calls", "pack_code", "signature", "ww", "wb",
  -- net.h.in, net.c.in, check.c.in
  "net", "plan", "file", "target", "NET", "human", "ilist", "act_init", "OPNAME", "RESNAME", "cflags",
  "target_note", "header", "layer_code",
  -- includes: simd/store.c.in, simd/band_prefetch.c.in, scalar/*_tile.c.in
  "acc", "at", "n", "V", "per", "mr", "nr", "o", "t", "rc", "cc",
}
local KNOWN = {}
for _, k in ipairs(M.TEMPLATE_VARS) do KNOWN[k] = true end

local function render(name, vars)
  for k in pairs(vars) do
    if not KNOWN[k] then error("emit: template variable " .. tostring(k) .. " is not in emit.TEMPLATE_VARS", 2) end
  end
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

-- The output row k rows into row class rc of stage st: a number, or in a
-- fused band (rows counted from the band's first row, argument y0) an
-- expression in y0.
local function row_at(st, rc, k)
  if st.band then return k == 0 and "y0" or ("y0 + " .. util.int(k)) end
  return rc.v0 + k
end

helpers = { act_c = act_c, lin = lin, plus = plus, flt = util.flt, region_comment = explain.region,
            include = include, row_at = row_at, explain = explain }

local function buffer(ref)
  if ref[1] == "in" then return "in" end
  if ref[1] == "out" then return "out" end
  if ref[2] == 0 then return "scratch" end
  return "scratch + " .. util.int(ref[2])
end

-- The name of a fused layer's band depthwise function: row class ri,
-- band height n.
local function band_dw_name(L, band)
  return "Dw_" .. L.name .. "_R" .. util.int(band.ri) .. "N" .. util.int(band.n)
end

-- Fused separable layers: one depthwise function per band shape (row class,
-- band height; the band's first row is an argument) and one projection per
-- band height.
local function fused_code(L, p, i, vars)
  local f = p.fused
  local parts = {}
  if i == 1 then
    for _, v in ipairs(f.dw) do
      local bv = util.copy(vars)
      bv.st, bv.fn = v, band_dw_name(L, v.band)
      parts[#parts + 1] = render(v.template, bv)
    end
  else
    for _, n in ipairs(f.pw) do
      local pv = util.copy(vars)
      local q = f.pw_of[n]
      pv.st, pv.fn = q, "Pw_" .. L.name .. "_P" .. util.int(n * L.MW)
      parts[#parts + 1] = render(q.template, pv)
    end
  end
  return table.concat(parts, "\n")
end

-- The next-band input prefetch arguments of band b's projection
-- (plan_fuse.bands): "in, start, end", float offsets into the
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
    local dw = band_dw_name(L, b.dw.band)
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

local function layer_code(net, p)
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
      code = fused_code(L, p, i, vars)
    else
      code = render(st.template, vars)
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
    p = p, fname = fname, comment_lines = explain.layer_comment(p), stage_code = stage_code,
    calls = calls, pack_code = table.concat(packs), signature = signature,
  }))
end

-- Renders every file of a planned net.  Returns a list of {path, text}.
function M.net(plan, file, runtime_dir)
  local net = plan.net
  local tg = targets[plan.target] or targets.scalar
  local common = {
    net = net, plan = plan, file = file, target = plan.target, NET = net.name:upper(),
    human = util.human, signature = signature, ilist = ilist, act_init = act_init,
    OPNAME = OPNAME, RESNAME = RESNAME, cflags = tg.cflags,
    target_note = plan.target_note or "", header = tg.header,
  }
  local layers = {}
  for i, p in ipairs(plan.layers) do layers[i] = layer_code(net, p) end
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
