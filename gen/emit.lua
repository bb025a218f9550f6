-- emit.lua - plan + templates -> C text.  Knows which template renders
-- which stage and what each template is given; no arithmetic beyond
-- naming and layout.
local util = require("util")
local weights = require("weights")
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
  "act_c", "each", "explain", "flt", "include", "int", "ix", "lin", "loop", "loop1", "plus", "region_comment",
  "unread", "row_loop",
  -- a stage: the plan record, function name, input buffer, index table
  "st", "fn", "src", "srcname",
  -- layer.c.in and pack.c.in
  "p", "fname", "comment_lines", "stage_code", "calls", "pack_code", "signature", "ww", "wb", "consts",
  "args", "threads", "par",
  -- a kernel's one-line comment: template, layer, stage, tile
  "about",
  -- net.h.in, net.c.in, check.c.in
  "net", "plan", "file", "target", "NET", "human", "ilist", "act_init", "OPNAME", "RESNAME", "cflags", "split_list",
  "target_note", "header", "layer_code", "arena", "forward", "baked", "vexp",
  -- simd/exp.c.in: the target table
  "isa",
  -- includes: simd/store.c.in, simd/band_prefetch.c.in, scalar/*_tile.c.in
  "acc", "at", "n", "V", "per", "line", "mr", "nr", "o", "t", "rc", "cc",
}
local KNOWN = {}
for _, k in ipairs(M.TEMPLATE_VARS) do KNOWN[k] = true end

local function render(name, vars)
  for k in pairs(vars) do
    if not KNOWN[k] then error("emit: template variable " .. tostring(k) .. " is not in emit.TEMPLATE_VARS", 2) end
  end
  return template.render(tpl(name), name, vars)
end
M.render = render

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
                 dwdeconv = "SG_OP_DWDECONV", bottleneck = "SG_OP_BOTTLENECK", conv = "SG_OP_CONV",
                 pool = "SG_OP_POOL", fc = "SG_OP_FC", se = "SG_OP_SE", softmax = "SG_OP_SOFTMAX" }
local RESNAME = { none = "SG_RESIDUAL_NONE", self = "SG_RESIDUAL_SELF", named = "SG_RESIDUAL_NAMED" }

-- C statements clamping `v` (empty for no activation).
-- C statements applying activation `act` to the float `v` (empty for
-- none): a clamp, or hswish, hsigmoid, sigmoid (sg_expf from sg.h, no
-- libm) written as the generic kernels compute them, bar the division by 6.
local function act_c(act)
  if not act then return "" end
  if act.kind == "hswish" then return "v = v * sg_min(sg_max(v + 3.0f, 0.0f), 6.0f) * (1.0f / 6.0f);" end
  if act.kind == "hsigmoid" then return "v = sg_min(sg_max(v + 3.0f, 0.0f), 6.0f) * (1.0f / 6.0f);" end
  if act.kind == "sigmoid" then return "v = 1.0f / (1.0f + sg_expf(-v));" end
  local s = {}
  if act.lo then s[#s + 1] = "v = v < " .. util.flt(act.lo) .. " ? " .. util.flt(act.lo) .. " : v;" end
  if act.hi then s[#s + 1] = "v = v > " .. util.flt(act.hi) .. " ? " .. util.flt(act.hi) .. " : v;" end
  return table.concat(s, " ")
end

local ACT_KIND = { hswish = "SG_ACT_HSWISH", hsigmoid = "SG_ACT_HSIGMOID", sigmoid = "SG_ACT_SIGMOID" }

-- The sg_act initializer of an activation (every field: -Wextra).
local function act_init(act)
  if act and act.kind then return "{ 0, 0.0f, 0.0f, " .. ACT_KIND[act.kind] .. ", 0.0f, 0.0f }" end
  if not act then return "{ 0, 0.0f, 0.0f, SG_ACT_CLAMP, 0.0f, 0.0f }" end
  local flags = {}
  if act.lo then flags[#flags + 1] = "SG_ACT_LO" end
  if act.hi then flags[#flags + 1] = "SG_ACT_HI" end
  return "{ " .. table.concat(flags, " | ") .. ", " .. util.flt(act.lo or 0) .. ", " ..
         util.flt(act.hi or 0) .. ", SG_ACT_CLAMP, 0.0f, 0.0f }"
end

-- A linear expression: terms {coef, var} (zero coefficients dropped) plus
-- a constant, written the way a person would ("448 * vy + 16 * vx - 8").
-- A var may be a number (a loop variable whose loop runs once: see ix),
-- which folds into the constant.
local function lin(terms, const)
  local s = ""
  const = const or 0
  for _, t in ipairs(terms) do
    local c, v = t[1], t[2]
    if type(v) == "number" then
      const = const + c * v
    elseif c ~= 0 then
      local term = c == 1 and v or (util.int(c) .. " * " .. v)
      s = s == "" and term or (s .. " + " .. term)
    end
  end
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

local ilist = util.ilist

local function signature(L, r)
  r = r or "restrict"
  if L.residual == "named" then
    return "const float *" .. r .. " in, const float *" .. r .. " skip, float *" .. r .. " out, " ..
           "const float *" .. r .. " packed, float *" .. r .. " scratch"
  end
  return "const float *" .. r .. " in, float *" .. r .. " out, const float *" .. r .. " packed, " ..
         "float *" .. r .. " scratch"
end

-- The opening line(s) of a loop of v over [base + a, base + b) by step
-- (base: an expression, or nil for 0), before the body and the "}" the
-- caller writes: a for loop, or, for one trip, a block that names v's value,
-- so the generated code has no one-trip loops.  comment: the loop's, or nil.
local function loop(v, a, b, step, base, comment)
  step = step or 1
  local function at(k)
    if not base then return util.int(k) end
    return k == 0 and base or (base .. " + " .. util.int(k))
  end
  local c = comment and ("   /* " .. comment .. " */") or ""
  if b - a <= step then return "{" .. c .. "\nconst int " .. v .. " = " .. at(a) .. ";" end
  return "for (int " .. v .. " = " .. at(a) .. "; " .. v .. " < " .. at(b) .. "; " ..
         (step == 1 and ("++" .. v) or (v .. " += " .. util.int(step))) .. ") {" .. c
end

-- A one-statement loop of v over [a, b): "for (...) body(v)", or for one
-- trip the statement alone, body(a), with the value in place of the
-- variable (body builds its indices with lin).
local function loop1(v, a, b, body)
  if b - a == 1 then return body(a) end
  return "for (int " .. v .. " = " .. util.int(a) .. "; " .. v .. " < " .. util.int(b) .. "; ++" .. v .. ") " .. body(v)
end

-- A loop of v over [0, n) whose body folds the variable when it runs once:
-- each(v, n, comment) opens it ("for (...) {" or a plain "{"), and ix(v, n)
-- is what the body's lin terms take for it (the name, or 0).
local function each(v, n, comment)
  local c = comment and ("   /* " .. comment .. " */") or ""
  if n == 1 then return "{" .. c end
  return "for (int " .. v .. " = 0; " .. v .. " < " .. util.int(n) .. "; ++" .. v .. ") {" .. c
end
local function ix(v, n)
  if n == 1 then return 0 end
  return v
end

M.loop, M.loop1, M.each, M.ix = loop, loop1, each, ix

-- What a region-unrolled stage (depthwise or convolution) never reads when
-- no region has a tap (every output meets only padding): "(void)in;", and
-- "(void)w;" too without biases, so -Wunused-parameter stays quiet; or "".
local function unread(st)
  if st.staged then return "" end
  for _, rg in ipairs(st.regions) do
    if #rg.r.taps * #rg.c.taps > 0 then return "" end
  end
  return st.bias and "(void)in; /* no tap meets the input */"
    or "(void)in; (void)w; /* no tap meets the input, no bias */"
end

-- The loop over the output rows vy of row class rc: all of them, or with
-- threads (st.row_range) those inside the arguments y0 .. y1 - 1.
local function row_loop(st, rc)
  if not st.row_range then return loop("vy", rc.v0, rc.v1) end
  local a, b = util.int(rc.v0), util.int(rc.v1)
  return "for (int vy = " .. (rc.v0 > 0 and ("y0 > " .. a .. " ? y0 : " .. a) or "y0") .. "; vy < (y1 < " .. b ..
    " ? y1 : " .. b .. "); ++vy) {"
end

helpers = { act_c = act_c, lin = lin, plus = plus, flt = util.flt, region_comment = explain.region,
            include = include, explain = explain, loop = loop, loop1 = loop1, each = each, ix = ix,
            int = util.int, unread = unread, row_loop = row_loop }

---------------------------------------------------------------- names

-- A stage's register tile in a function name (letters and digits):
-- depthwise "<channels>c<pixels>p" (+ "2r": two output rows at a time),
-- projection "<pixels>x<channels>" (+ "pairs": pixel pairs).
local function tile_name(st)
  if st.kind == "spatial" then
    return util.int(st.tiles[1].nacc) .. "c" .. util.int(st.ur) .. "p" .. (st.pairs and "2r" or "")
  elseif st.kind == "conv" then
    return util.int(st.nr) .. "c" .. util.int(st.ur) .. "p"
  elseif st.kind == "pool" then
    return util.int(st.tiles[1].nacc) .. "c1p"
  elseif st.kind == "gpool" or st.kind == "softmax" or st.kind == "scale" then
    return util.int(explain.flat_tile(st)) .. "c1p"
  end
  return util.int(st.mr) .. "x" .. util.int(st.nr) .. (st.pair and "pairs" or "")
end

local PREFIX = { pw = "Pw_", conv = "Conv_", pool = "Pool_", gpool = "Gpool_", softmax = "Softmax_",
                 scale = "Scale_" }

-- The name of the function that runs stage i of layer L and the one-line
-- comment that opens it (explain.kernel: its template, layer, stage and
-- tile).  Every generated kernel is named here:
-- <kind>_<layer>[_<variant>]_<tile>, the variant a stage (S<i>) of a
-- layer of several, a fused band of n rows of row class r (R<r>N<n>) or a
-- band projection over n pixels (P<n>).  Static names mix case, so they
-- never meet a layer's (lower-case) names.
local function kernel(L, nstages, i, st)
  local kind = PREFIX[st.kind] or st.deconv and "Up_" or "Dw_"
  local variant = nstages > 1 and ("_S" .. util.int(i)) or ""
  if st.band then
    variant = "_R" .. util.int(st.band.ri) .. "N" .. util.int(st.band.n)
  elseif st.band_rows or st.band_pixels then
    variant = "_P" .. util.int(st.P)
  end
  local tname = tile_name(st)
  return kind .. L.name .. variant .. "_" .. tname, explain.kernel(L, i, st, tname)
end

---------------------------------------------------------------- layers

-- The named constants of a layer's driver: { name, value, what } in order
-- of first use, each added once.
local function constants()
  local list, seen = {}, {}
  return list, function(name, value, what)
    if not seen[name] then
      seen[name] = true
      list[#list + 1] = { name = name, value = value, what = what }
    end
    return name
  end
end

-- A stage's buffer ({"in"}, {"out"}, {"scratch", offset}) as a driver
-- argument; a scratch offset is named after stage s, whose output it holds
-- (a stage's input in scratch is the previous stage's output).
local function buffer(ref, s, const)
  if ref[1] ~= "scratch" then return ref[1] end
  if ref[2] == 0 then return "scratch" end
  return "scratch + " .. const("S" .. util.int(s) .. "_OUT", ref[2], explain.offset("out", s))
end

-- Fused separable layers: one depthwise function per band shape (row class,
-- band height; the band's first row is an argument) and one projection per
-- band height.
-- The code of the stage variants `list` of stage i of layer L (band
-- variants of a fused, split or banded layer), each under its own name.
local function render_variants(L, nstages, i, vars, list)
  local parts = {}
  for _, st in ipairs(list) do
    local v = util.copy(vars)
    v.st = st
    v.fn, v.about = kernel(L, nstages, i, st)
    parts[#parts + 1] = render(st.template, v)
  end
  return table.concat(parts, "\n")
end

-- A projection's band variants, one per band height, in order.
local function by_height(bands)
  local list = {}
  for _, n in ipairs(bands.pw) do list[#list + 1] = bands.pw_of[n] end
  return list
end

local function fused_code(L, p, i, vars)
  return render_variants(L, #p.stages, i, vars, i == 1 and p.fused.dw or by_height(p.fused))
end

-- The next-band input prefetch arguments of band b's projection
-- (plan_fuse.bands): "in, start, end", float offsets into the input as
-- input rows times IN_ROW; in a loop of bands, rows in y, the end clipped
-- when the loop's last band would run past the input.
local function band_prefetch_args(b, const)
  local pf = b.pf
  local row = const("IN_ROW", pf.row, explain.offset("in_row"))
  if not b.loop then
    if pf.r1 == 0 then return "in, 0, 0" end
    return "in, " .. util.int(pf.r0) .. " * " .. row .. ", " .. util.int(pf.r1) .. " * " .. row
  end
  local r0, r1 = lin({ { pf.step, "y" } }, pf.c0), lin({ { pf.step, "y" } }, pf.c1)
  if pf.clip then
    local h = const("IN_H", pf.clip, explain.offset("in_h"))
    r1 = "(" .. r1 .. " < " .. h .. " ? " .. r1 .. " : " .. h .. ")"
  else
    r1 = "(" .. r1 .. ")"
  end
  return "in, (" .. r0 .. ") * " .. row .. ", " .. r1 .. " * " .. row
end

-- buf advanced by y rows of `row` floats (y: a number, or a C variable).
local function at_row(buf, y, row)
  if y == 0 then return buf end
  return buf .. " + " .. (type(y) == "number" and util.int(y) or y) .. " * " .. row
end

-- The calls that run band b ({start, n, loop, pf}) of a fused layer from
-- row y (a number, or the loop variable "y"): its depthwise variant into
-- the band buffer, then the band's projection into the output.
local function fused_band(L, p, const)
  local f = p.fused
  local q = p.stages[2]
  local row = const("OUT_ROW", L.MW * L.OC, explain.offset("out_row"))
  local w2 = "packed + " .. const("S2_W", q.woff, explain.offset("w", 2))
  return function(b, y)
    local dw = kernel(L, #p.stages, 1, b.dw)
    local pw = kernel(L, #p.stages, 2, f.pw_of[b.n])
    local pf = b.pf and band_prefetch_args(b, const)
    local res = q.res and (", " .. at_row(q.res, y, row)) or ""
    return { dw .. "(in, scratch, packed, " .. (type(y) == "number" and util.int(y) or y) .. ");",
             pw .. "(scratch, " .. at_row("out", y, row) .. ", " .. w2 .. res .. (pf and (", " .. pf) or "") .. ");" }
  end
end

-- The call that runs band b of a projection layer split in bands
-- (plan.pw_bands) from row (or pixel) y: its pixels are contiguous in
-- input and output.
local function pw_band(L, p, const)
  local q = p.stages[1]
  local px = p.pw_bands.unit == "pixels"
  local irow = px and const("IN_PIXEL", L.C, explain.offset("in_pixel")) or
    const("IN_ROW", L.W * L.C, explain.offset("in_row"))
  local orow = px and const("OUT_PIXEL", L.OC, explain.offset("out_pixel")) or
    const("OUT_ROW", L.W * L.OC, explain.offset("out_row"))
  return function(b, y)
    local st = p.pw_bands.pw_of[b.n]
    local args = { at_row("in", y, irow), at_row("out", y, orow) }
    if q.wfloats > 0 then args[#args + 1] = "packed" end
    if q.res then args[#args + 1] = at_row(q.res, y, orow) end
    return { kernel(L, 1, 1, st) .. "(" .. table.concat(args, ", ") .. ");" }
  end
end

-- The call that runs block b of a layer split in blocks of output
-- channels (plan.ch_blocks): its own stage, writing (and reading its
-- residual) from its first output channel.
local function ch_block(L, p, const)
  return function(b)
    local i = b.stage
    local st = p.stages[i]
    local o = st.o_first > 0 and (" + " .. const("S" .. util.int(i) .. "_O", st.o_first, explain.offset("o_first", i)))
      or ""
    local args = { buffer(st.src, i - 1, const), "out" .. o }
    args[3] = st.woff > 0 and ("packed + " .. const("S" .. util.int(i) .. "_W", st.woff, explain.offset("w", i)))
      or "packed"
    if st.res then args[4] = st.res .. o end
    return { kernel(L, #p.stages, i, st) .. "(" .. table.concat(args, ", ") .. ");" }
  end
end

-- The call that runs band b of a depthwise layer split in row bands
-- (plan.dw_bands) from row y: its variant writes from the band's first row.
local function dw_band(L, p, const)
  local st = p.stages[1]
  local orow = const("OUT_ROW", L.OW * L.OC, explain.offset("out_row"))
  return function(b, y)
    local args = { "in", at_row("out", y, orow) }
    if st.wfloats > 0 then args[#args + 1] = "packed" end
    if st.res then args[#args + 1] = at_row(st.res, y, orow) end
    args[#args + 1] = type(y) == "number" and util.int(y) or y
    return { kernel(L, 1, 1, b.dw) .. "(" .. table.concat(args, ", ") .. ");" }
  end
end

local function fused_calls(L, p, const)
  local calls = {}
  local call = fused_band(L, p, const)
  for _, b in ipairs(p.fused.bands) do
    if b.loop then
      calls[#calls + 1] = loop("y", b.start, b.start + b.loop * b.n, b.n, nil,
                               explain.band_loop(b.n))
      for _, c in ipairs(call(b, "y")) do calls[#calls + 1] = c end
      calls[#calls + 1] = "}"
    else
      for _, c in ipairs(call(b, b.start)) do calls[#calls + 1] = c end
    end
  end
  return calls
end

-- A split layer's band runner (p.par, plan_par.lua): the body of
-- Bands_<layer>(..., y0, y1), which runs, in order, the bands whose first
-- output row lies in y0 .. y1 - 1; in a loop of bands of n rows from row
-- s, bands k0 .. k1 - 1 (band k from row s + n * k).
local function band_runner(L, p, const)
  if p.par.direct then
    -- one stage computing output rows y0 .. y1 - 1 itself (st.row_range)
    local st = p.stages[1]
    local args = { "in", "out" }
    if st.wfloats > 0 then args[#args + 1] = "packed" end
    if st.res then args[#args + 1] = st.res end
    args[#args + 1] = "y0"
    args[#args + 1] = "y1"
    local call = kernel(L, 1, 1, st) .. "(" .. table.concat(args, ", ") .. ");"
    if st.wfloats == 0 then return { "(void)packed;", call } end
    return { call }
  end
  local call = p.fused and fused_band(L, p, const) or p.dw_bands and dw_band(L, p, const) or
    p.ch_blocks and ch_block(L, p, const) or pw_band(L, p, const)
  local lines = {}
  local function add(x) lines[#lines + 1] = x end
  if L.op == "separable" and p.ch_blocks then
    -- the whole depthwise output, once per task, before its blocks
    local st = p.stages[1]
    add("if (y0 < y1) " .. kernel(L, #p.stages, 1, st) .. "(in, " .. buffer(st.dst, 1, const) .. ", packed);")
  end
  for _, b in ipairs(p.par.bands) do
    local s, n = util.int(b.start), util.int(b.n)
    if (b.loop or 1) > 1 then
      local function first(y)   -- the first band k from row y on
        local d = b.n == 1 and (y .. " - " .. s) or
          ("(" .. y .. " - " .. s .. " + " .. util.int(b.n - 1) .. ") / " .. n)
        if b.start == 0 then d = b.n == 1 and y or ("(" .. y .. " + " .. util.int(b.n - 1) .. ") / " .. n) end
        return "const int " .. (y == "y0" and "k0" or "k1") .. " = " .. y .. " > " .. s .. " ? " .. d .. " : 0;"
      end
      add("{   /* " .. explain.band_loop(b.n) .. " from row " .. s .. " */")
      add("    " .. first("y0"))
      add("    " .. first("y1"))
      add("    for (int k = k0; k < (k1 < " .. util.int(b.loop) .. " ? k1 : " .. util.int(b.loop) .. "); ++k) {")
      add("        const int y = " .. lin({ { b.n, "k" } }, b.start) .. ";")
      for _, c in ipairs(call(b, "y")) do add("        " .. c) end
      add("    }")
    else
      add("if (y0 <= " .. s .. " && " .. s .. " < y1) {")
      for _, c in ipairs(call(b, b.start)) do add("    " .. c) end
    end
    add("}")
  end
  return lines
end

-- The static index table of a topology stage read through sources.
local function index_table(st, srcname)
  local rows = {}
  if st.mode == "classes" then
    for _, c in ipairs(st.class_srcs) do rows[#rows + 1] = ilist(c.src) .. "," end
    return "/* " .. explain.index_table("classes") .. " */\n" ..
           "static const int " .. srcname .. "[" .. util.int(#st.class_srcs * st.S) .. "] = {\n" ..
           table.concat(rows, "\n") .. "\n};\n\n"
  end
  for o = 1, #st.srcs do rows[#rows + 1] = ilist(st.srcs[o]) .. "," end
  return "/* " .. explain.index_table("gather") .. " */\n" ..
         "static const int " .. srcname .. "[" .. util.int(st.cout * st.S) .. "] = {\n" ..
         table.concat(rows, "\n") .. "\n};\n\n"
end

-- The arguments of a layer's entry point, as passed on.
local function args_of(L)
  return L.residual == "named" and "in, skip, out, packed, scratch" or "in, out, packed, scratch"
end

-- The parameters of a split layer's Bands_<layer> (scratch only when a
-- task has a band buffer) and a call of it on bands b0 .. b1 - 1 (pre: a
-- prefix of the arguments, "a->" in a task; scratch then at the task's).
local function bands_signature(L, p)
  return "const float *restrict in, " .. (L.residual == "named" and "const float *restrict skip, " or "") ..
    "float *restrict out, const float *restrict packed, " ..
    (p.par.task_floats > 0 and "float *restrict scratch, " or "") .. "const int y0, const int y1"
end
local function bands_call(L, p, b0, b1, pre)
  pre = pre or ""
  local a = { pre .. "in" }
  if L.residual == "named" then a[#a + 1] = pre .. "skip" end
  a[#a + 1] = pre .. "out"
  a[#a + 1] = pre .. "packed"
  if p.par.task_floats > 0 then
    a[#a + 1] = pre ~= "" and (pre .. "scratch + TASK_FLOATS * t") or "scratch"
  end
  a[#a + 1] = b0
  a[#a + 1] = b1
  return "Bands_" .. L.name .. "(" .. table.concat(a, ", ") .. ");"
end

local function layer_code(net, p, threads)
  local L = p.L
  local fname = net.name .. "_" .. L.name
  local stage_code, calls, packs = {}, {}, {}
  local consts, const = constants()
  local split = p.par.kind == "bands"
  for i, st in ipairs(p.stages) do
    local vars = util.copy(helpers)
    vars.st = st
    vars.fn, vars.about = kernel(L, #p.stages, i, st)
    vars.src, vars.srcname = st.staged and "stage" or "in", "Src_" .. L.name .. "_S" .. i
    local code
    if p.fused then
      code = fused_code(L, p, i, vars)
    elseif split and p.dw_bands then
      code = render_variants(L, 1, 1, vars, p.dw_bands.dw)
    elseif split and p.pw_bands then
      code = render_variants(L, 1, 1, vars, by_height(p.pw_bands))
    else
      code = render(st.template, vars)
    end
    if st.kind == "pw" and (st.mode == "classes" or st.mode == "gather") then
      code = index_table(st, vars.srcname) .. code
    end
    stage_code[#stage_code + 1] = code
    if split then
      if i == 1 then calls = { bands_call(L, p, "0", util.int(p.par.rows)) } end
    elseif p.fused and i == 1 then
      calls = fused_calls(L, p, const)
    elseif not p.fused then
      -- (channel blocks, st.o_first, only exist in split layers: ch_block)
      local args = { buffer(st.src, i - 1, const), buffer(st.dst, i, const) }
      if st.wfloats > 0 then
        args[#args + 1] = st.woff > 0 and ("packed + " .. const("S" .. util.int(i) .. "_W", st.woff,
          explain.offset("w", i))) or "packed"
      end
      if st.gate_at then args[#args + 1] = buffer({ "scratch", st.gate_at }, i - 1, const) end
      if st.res then args[#args + 1] = st.res end
      if st.staged then
        args[#args + 1] = "scratch + " .. const("S" .. util.int(i) .. "_STAGE", st.stage_off,
          explain.offset("stage", i))
      end
      calls[#calls + 1] = vars.fn .. "(" .. table.concat(args, ", ") .. ");"
    end
    local pv = util.copy(helpers)
    pv.st, pv.ww, pv.wb = st, st.wnames and st.wnames.w, st.wnames and st.wnames.b
    packs[#packs + 1] = render("pack.c.in", pv)
  end
  local lv = util.copy(helpers)
  lv.p, lv.fname, lv.comment_lines, lv.stage_code = p, fname, explain.layer_comment(p), stage_code
  lv.calls, lv.pack_code, lv.signature, lv.consts = calls, table.concat(packs), signature, consts
  lv.args, lv.threads = args_of(L), threads
  if split then
    local bconsts, bconst = constants()
    lv.par = { nb = p.par.nb, rows = p.par.rows, task_floats = p.par.task_floats,
               unit = ({ pixels = "pixels", channels = "blocks of output channels" })[p.par.unit]
                 or "output rows", runner = band_runner(L, p, bconst),
               consts = bconsts, bands = bands_signature(L, p),
               task_call = bands_call(L, p, "ROWS * t / a->ntasks", "ROWS * (t + 1) / a->ntasks", "a->") }
  end
  return cindent.indent(render("layer.c.in", lv))
end

-- The whole net's entry points (one chain): N_pack's calls and N_forward's,
-- each layer's tensors, scratch and packed weights at the offsets of the
-- arena plan `a`, named in enums.
local function forward_code(net, plan, a)
  local pk_consts, pk_const = constants()
  local fw_consts, fw_const = constants()
  local packs, calls, par_calls = {}, {}, {}
  local n = #plan.layers
  local function tensor(i)        -- the output of layer i (0: the net's input)
    if i == 0 then return "in" end
    if i == n then return "out" end
    local L = plan.layers[i].L
    return "arena + " .. fw_const(L.name:upper() .. "_OUT", a.tensor[i].offset, explain.offset("layer_out", L.name))
  end
  for i, p in ipairs(plan.layers) do
    local L = p.L
    local U = L.name:upper()
    local w = a.packed[i] > 0 and ("packed + " .. pk_const(U .. "_W", a.packed[i], explain.offset("layer_w", L.name)))
      or "packed"
    packs[#packs + 1] = net.name .. "_" .. L.name .. "_pack(&w[" .. util.int(i - 1) .. "], " .. w .. ");"
    local pad_to = (a.packed[i + 1] or a.packed_floats)
    local pad_from = a.packed[i] + p.packed_floats
    if pad_to > pad_from then
      local zero = pad_to == pad_from + 1 and ("packed[" .. util.int(pad_from) .. "] = 0.0f;")
        or ("for (int k = " .. util.int(pad_from) .. "; k < " .. util.int(pad_to) .. "; ++k) packed[k] = 0.0f;")
      packs[#packs + 1] = zero .. "   /* " .. explain.offset("layer_pad", L.name) .. " */"
    end
    local fw = a.packed[i] > 0 and ("packed + " .. fw_const(U .. "_W", a.packed[i], explain.offset("layer_w", L.name)))
      or "packed"
    local args = { tensor(i - 1) }
    if L.residual == "named" then args[#args + 1] = tensor(L.skip - 1) end
    args[#args + 1] = tensor(i)
    args[#args + 1] = fw
    local s = a.scratch[i]
    args[#args + 1] = s and ("arena + " .. fw_const(U .. "_SCRATCH", s.offset, explain.offset("layer_scratch", L.name)))
      or "NULL"
    calls[#calls + 1] = net.name .. "_" .. L.name .. "(" .. table.concat(args, ", ") .. ");"
    if p.par.kind == "bands" then
      par_calls[#par_calls + 1] = net.name .. "_" .. L.name .. "_par(" .. table.concat(args, ", ") .. ", par);"
    else
      par_calls[#par_calls + 1] = calls[#calls]
    end
  end
  local nsplit = 0
  for _, p in ipairs(plan.layers) do if p.par.kind == "bands" then nsplit = nsplit + 1 end end
  return { pack_consts = pk_consts, packs = packs, consts = fw_consts, calls = calls, par_calls = par_calls,
           nsplit = nsplit }
end

-- Renders every file of a planned net; note: the TARGET=native note for
-- the .c file's first comment, or nil.  Returns a list of {path, text}.
-- baked: nil, or { file, size (bytes), packed (0-based C literals), raw
-- (weights.raw) } from --weights.
function M.net(plan, file, runtime_dir, note, baked)
  local net = plan.net
  local tg = targets[plan.target] or targets.scalar
  local common = {
    net = net, plan = plan, file = util.comment(file), target = plan.target, NET = net.name:upper(),
    human = util.human, signature = signature, ilist = ilist, act_init = act_init,
    OPNAME = OPNAME, RESNAME = RESNAME, cflags = tg.cflags,
    target_note = note or "", header = tg.header, int = util.int, include = include,
  }
  local a = plan.arena
  if a then
    common.arena = a
    common.forward = forward_code(net, plan, a)
  end
  if baked then
    local raw = {}
    for i, layer in ipairs(baked.raw) do
      for _, e in ipairs(layer) do
        raw[#raw + 1] = { layer = i - 1, field = e.field, offset = e.offset, count = e.count }
      end
    end
    common.baked = { file = util.comment(baked.file), size = baked.size, raw = raw,
      cpath = util.cstring(baked.file),
      initializer = weights.initializer(baked.packed, a.packed_floats, 0),
      extent = net.name:upper() .. "_PACKED_FLOATS" }
    if a.packed_floats == 0 then
      -- No layer has weights: one unused float, as ISO C has no empty arrays.
      common.baked.extent = "1"
      common.baked.initializer = "    0.0f /* no layer has weights; ISO C has no empty arrays */"
    end
  end
  local layers = {}
  for i, p in ipairs(plan.layers) do layers[i] = layer_code(net, p, plan.threads or 1) end
  -- the vector e^x (simd/exp.c.in), once, when a vector stage needs it
  for _, p in ipairs(plan.layers) do
    for _, st in ipairs(p.stages) do
      if not common.vexp and st.isa and st.isa.vw > 1 and
          (st.kind == "softmax" or st.act and st.act.kind == "sigmoid") then
        local ev = util.copy(helpers)
        ev.isa = st.isa
        common.vexp = render("simd/exp.c.in", ev)
      end
    end
  end
  local split = {}
  for i, p in ipairs(plan.layers) do split[i] = p.par.kind == "bands" and "1" or "0" end
  common.split_list = table.concat(split, ", ")
  local cv = util.copy(common)
  cv.layer_code = layers
  local files = {
    { net.name .. ".h", render("net.h.in", common) },
    { net.name .. ".c", cindent.indent(render("net.c.in", cv)) },
    { "check/" .. net.name .. "_check.c", render("check.c.in", common) },
  }
  if baked then
    local wv = util.copy(common)
    wv.explain = explain
    files[#files + 1] = { net.name .. "_weights.c", render("weights.c.in", wv) }
  end
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
