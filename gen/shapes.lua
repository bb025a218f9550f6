-- shapes.lua - load a shapes file in the sandbox, validate every field
-- (README "The shapes file"), apply defaults and resolve the shape arithmetic.
-- Returns plain tables; errors name the file, the layer and the field.
local sandbox = require("sandbox")
local geom = require("geom")
local util = require("util")

local M = {}

local floor = math.floor
local LIMIT = 2147483648 -- 2^31: tensors and packed weights stay below

M.OPS = { "dwconv", "pwconv", "separable", "dwdeconv", "bottleneck", "conv", "pool", "fc", "se", "softmax" }
local OPSET = {}
for _, op in ipairs(M.OPS) do OPSET[op] = true end

-- Which fields each op accepts (README "Layer fields" table).
local COMMON = { "name", "op", "input", "act", "residual" }
local OP_FIELDS = {
  dwconv = { "k", "stride", "dilation", "pad", "mult", "bias" },
  pwconv = { "cout", "groups", "topology", "bias" },
  separable = { "k", "stride", "dilation", "pad", "mult", "cout", "groups", "topology", "dw_act", "bias" },
  dwdeconv = { "k", "stride", "dilation", "pad", "out", "bias" },
  bottleneck = { "k", "stride", "cout", "groups", "topology", "dw_act", "mid_act", "up_k", "bias" },
  conv = { "k", "stride", "dilation", "pad", "cout", "groups", "bias" },
  pool = { "type", "global", "k", "stride", "pad", "count_pad" },
  fc = { "cout", "bias" },
  se = { "reduce", "se_act", "gate", "bias" },
  softmax = {},
}
local ALL_FIELDS = {}
do
  local seen = {}
  local function add(f) if not seen[f] then seen[f] = true; ALL_FIELDS[#ALL_FIELDS + 1] = f end end
  for _, f in ipairs(COMMON) do add(f) end
  for _, op in ipairs(M.OPS) do for _, f in ipairs(OP_FIELDS[op]) do add(f) end end
end
local NET_FIELDS = { "name", "input", "layers" }

---------------------------------------------------------------- messages

local function show(v)
  local t = type(v)
  if t == "string" then
    if #v > 40 then v = v:sub(1, 40) .. "..." end
    return string.format("%q", v):gsub("\\\n", "\\n")
  elseif t == "number" then
    if v ~= v then return "nan" end
    if v == floor(v) and v > -1e15 and v < 1e15 then return string.format("%.0f", v) end
    return string.format("%.14g", v)
  elseif t == "boolean" then
    return tostring(v)
  elseif t == "nil" then
    return "nothing"
  end
  return "a " .. t
end
M.show = show

local function editdist(a, b)
  local prev = {}
  for j = 0, #b do prev[j] = j end
  for i = 1, #a do
    local cur = { [0] = i }
    for j = 1, #b do
      local cost = a:sub(i, i) == b:sub(j, j) and 0 or 1
      cur[j] = math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
    end
    prev = cur
  end
  return prev[#b]
end

local function nearest(key, candidates)
  local best, bestd
  for _, c in ipairs(candidates) do
    local d = editdist(key, c)
    if d <= 2 and d < #c and (not bestd or d < bestd) then best, bestd = c, d end
  end
  return best
end

-- Sorted non-array keys of t (deterministic error order).
local function sorted_keys(t)
  local ks = {}
  for k in pairs(t) do ks[#ks + 1] = k end
  table.sort(ks, function(a, b)
    local ta, tb = type(a), type(b)
    if ta ~= tb then return ta < tb end
    if ta == "number" or ta == "string" then return a < b end
    return false
  end)
  return ks
end

---------------------------------------------------------------- checkers

-- A context collects errors for one place ("input.h", layer 3 "b3").
local Ctx = {}
Ctx.__index = Ctx

local function new_ctx(file, errors, where)
  return setmetatable({ file = file, errors = errors, where = where, bad = false }, Ctx)
end

function Ctx:err(field, msg)
  local parts = { self.file }
  if self.where then parts[#parts + 1] = self.where end
  if field then parts[#parts + 1] = field end
  parts[#parts + 1] = msg
  self.errors[#self.errors + 1] = table.concat(parts, ": ")
  self.bad = true
  return nil
end

local function is_int(v)
  return type(v) == "number" and v == v and v == floor(v) and v > -1e15 and v < 1e15
end

function Ctx:int(field, v, lo, hi)
  if not is_int(v) or v < lo or v > hi then
    return self:err(field, "must be an integer in " .. lo .. ".." .. hi .. ", got " .. show(v))
  end
  return floor(v)
end

-- `v` or {a, b}: both in lo..hi.  Returns a, b.
function Ctx:pair(field, v, lo, hi, names)
  if type(v) == "table" then
    local n = 0
    for _ in pairs(v) do n = n + 1 end
    if n ~= 2 or v[1] == nil or v[2] == nil then
      return self:err(field, "must be an integer in " .. lo .. ".." .. hi .. " or {" ..
                      names[1] .. ", " .. names[2] .. "}, got a table that is not a pair")
    end
    local a = self:int(field .. "[1] (" .. names[1] .. ")", v[1], lo, hi)
    local b = self:int(field .. "[2] (" .. names[2] .. ")", v[2], lo, hi)
    if a and b then return a, b end
    return nil
  end
  if not is_int(v) or v < lo or v > hi then
    return self:err(field, "must be an integer in " .. lo .. ".." .. hi .. ", got " .. show(v))
  end
  return floor(v), floor(v)
end

-- Checks the keys of a table against an allowed list.
function Ctx:keys(prefix, t, allowed, op, op_fields)
  local ok = true
  local set = {}
  for _, k in ipairs(allowed) do set[k] = true end
  for _, k in ipairs(sorted_keys(t)) do
    if not set[k] then
      ok = false
      local field = prefix .. tostring(k)
      if type(k) ~= "string" then
        self:err(nil, "unexpected positional entry " .. show(t[k]) .. " (fields are written name = value)")
      elseif op_fields and op_fields[k] then
        local users = {}
        for _, o in ipairs(M.OPS) do
          for _, f in ipairs(OP_FIELDS[o]) do if f == k then users[#users + 1] = o end end
        end
        self:err(field, "not a field of " .. op .. " (it applies to " .. table.concat(users, ", ") .. ")")
      else
        local near = nearest(k, allowed)
        if near then
          self:err(field, "unknown field (did you mean \"" .. near .. "\"?)")
        else
          self:err(field, "unknown field (expected one of " .. table.concat(allowed, ", ") .. ")")
        end
      end
    end
  end
  return ok
end

function Ctx:shape(field, v, need)
  if type(v) ~= "table" then
    return self:err(field, "must be a table {" .. table.concat(need, "=, ") .. "=}, got " .. show(v))
  end
  if not self:keys(field .. ".", v, need) then return nil end
  local r = {}
  local ranges = { h = 16384, w = 16384, c = 65536 }
  local ok = true
  for _, k in ipairs(need) do
    r[k] = self:int(field .. "." .. k, v[k], 1, ranges[k])
    if not r[k] then ok = false end
  end
  return ok and r or nil
end

local NONLINEAR = { hswish = true, hsigmoid = true, sigmoid = true }

function Ctx:act(field, v)
  if v == nil or v == "none" then return nil, true end
  if v == "relu" then return { lo = 0 }, true end
  if v == "relu6" then return { lo = 0, hi = 6 }, true end
  if NONLINEAR[v] then return { kind = v }, true end
  if type(v) == "table" then
    if not self:keys(field .. ".", v, { "min", "max" }) then return nil, false end
    local r = {}
    for _, k in ipairs({ "min", "max" }) do
      local x = v[k]
      if x ~= nil then
        if type(x) ~= "number" or x ~= x or x == math.huge or x == -math.huge or
           math.abs(x) > 3.4e38 then
          self:err(field .. "." .. k, "must be a finite number, got " .. show(x))
          return nil, false
        end
      end
    end
    if v.min and v.max and v.min > v.max then
      self:err(field, "min must be <= max, got min = " .. show(v.min) .. ", max = " .. show(v.max))
      return nil, false
    end
    r.lo, r.hi = v.min, v.max
    if r.lo == nil and r.hi == nil then return nil, true end
    return r, true
  end
  self:err(field, "must be \"none\", \"relu\", \"relu6\", \"hswish\", \"hsigmoid\", \"sigmoid\" or " ..
    "{min=, max=}, got " .. show(v))
  return nil, false
end

---------------------------------------------------------------- net level

local function check_name(ctx, field, v, what)
  if type(v) ~= "string" then
    return ctx:err(field, "must be a string naming the " .. what .. ", got " .. show(v))
  end
  if #v > 32 or not v:match("^[a-z][a-z0-9_]*$") then
    return ctx:err(field, "must match [a-z][a-z0-9_]* and have at most 32 characters, got " .. show(v))
  end
  return v
end

-- Parses the `pad` field into {t, l, b, r} or "same"/"valid" (nil: `default`).
local function parse_pad(ctx, v, kh, kw, dh, dw, default)
  if v == nil then return default end
  if v == "same" then return "same" end
  if v == "valid" then return "valid" end
  local maxv = { (kh - 1) * dh, (kw - 1) * dw, (kh - 1) * dh, (kw - 1) * dw }
  local sides = { "top", "left", "bottom", "right" }
  if is_int(v) then
    local lim = math.min(maxv[1], maxv[2])
    if v < 0 or v > lim then
      return ctx:err("pad", "must be in 0..(k-1)*dilation = 0.." .. lim .. " for this kernel, got " .. show(v))
    end
    return { v, v, v, v }
  end
  if type(v) == "table" then
    local n = 0
    for _ in pairs(v) do n = n + 1 end
    if n ~= 4 or v[1] == nil or v[2] == nil or v[3] == nil or v[4] == nil then
      return ctx:err("pad", "must be \"same\", \"valid\", an integer or {top, left, bottom, right}, " ..
                     "got a table that is not four numbers")
    end
    local r = {}
    for i = 1, 4 do
      r[i] = ctx:int("pad[" .. i .. "] (" .. sides[i] .. ")", v[i], 0, maxv[i])
      if not r[i] then return nil end
    end
    return r
  end
  return ctx:err("pad", "must be \"same\", \"valid\", an integer or {top, left, bottom, right}, got " .. show(v))
end

local function parse_topology(ctx, v)
  if type(v) ~= "table" then
    return ctx:err("topology", "must be a table {grid_in=, grid_out=, window=}, got " .. show(v))
  end
  if not ctx:keys("topology.", v, { "grid_in", "grid_out", "window" }) then return nil end
  local r = {}
  local d
  for _, k in ipairs({ "grid_in", "grid_out", "window" }) do
    local a = v[k]
    local field = "topology." .. k
    if type(a) ~= "table" then return ctx:err(field, "must be a list of integers, got " .. show(a)) end
    local n = 0
    for _ in pairs(a) do n = n + 1 end
    if n ~= #a or n == 0 then return ctx:err(field, "must be a non-empty list of integers") end
    if n > 8 then return ctx:err(field, "at most 8 dimensions, got " .. n) end
    if d and n ~= d then
      return ctx:err(field, "must have as many dimensions as grid_in (" .. d .. "), got " .. n)
    end
    d = n
    r[k] = {}
    for i = 1, n do
      r[k][i] = ctx:int(field .. "[" .. i .. "]", a[i], 1, 65536)
      if not r[k][i] then return nil end
    end
  end
  for i = 1, d do
    if r.window[i] > r.grid_in[i] then
      return ctx:err("topology.window[" .. i .. "]", "must be in 1..grid_in[" .. i .. "] = 1.." ..
                     r.grid_in[i] .. ", got " .. r.window[i])
    end
  end
  return r
end

---------------------------------------------------------------- layers

local function dims(s) return s.h .. "x" .. s.w .. "x" .. s.c end

local function parse_bool(ctx, field, v)
  if v == nil or v == true or v == false then return v == true end
  ctx:err(field, "must be true or false, got " .. show(v))
  return false
end

-- The fields of a pool: type, global or the window (k, stride defaulting
-- to k), count_pad (avg only).
local function parse_pool(ctx, raw, L)
  if raw.type ~= "avg" and raw.type ~= "max" then
    ctx:err("type", (raw.type == nil and "missing" or "must be") .. " \"avg\" or \"max\"" ..
      (raw.type == nil and "" or (", got " .. show(raw.type))))
  end
  L.pool = raw.type
  L.global = parse_bool(ctx, "global", raw.global)
  L.count_pad = parse_bool(ctx, "count_pad", raw.count_pad)
  if raw.count_pad ~= nil and raw.type == "max" then
    ctx:err("count_pad", "applies to type = \"avg\" only (a max pool ignores cells outside the input)")
  end
  L.dh, L.dw = 1, 1
  if L.global then
    for _, k in ipairs({ "k", "stride", "pad" }) do
      if raw[k] ~= nil then ctx:err(k, "not with global = true (a global pool covers the whole input)") end
    end
    return
  end
  if raw.k == nil then
    ctx:err("k", "missing: a pool needs its window k, or global = true")
    return
  end
  L.kh, L.kw = ctx:pair("k", raw.k, 1, 15, { "kh", "kw" })
  if raw.stride == nil then
    L.sh, L.sw = L.kh, L.kw
  else
    L.sh, L.sw = ctx:pair("stride", raw.stride, 1, 8, { "sh", "sw" })
  end
  if L.kh and L.kw then L.pad = parse_pad(ctx, raw.pad, L.kh, L.kw, 1, 1, "valid") end
end

-- Validates one layer's own fields (no shapes).  Returns a partial record.
-- One check per field family of README "Layer fields", in the order a
-- reader looks them up there; about 95 lines.
local function parse_fields(ctx, raw, index)
  local L = { index = index }
  local op = raw.op
  if op == nil then
    ctx:err("op", "missing (expected one of " .. table.concat(M.OPS, ", ") .. ")")
    return nil
  end
  if not OPSET[op] then
    local near = type(op) == "string" and nearest(op, M.OPS)
    ctx:err("op", "must be one of " .. table.concat(M.OPS, ", ") .. ", got " .. show(op) ..
            (near and (" (did you mean \"" .. near .. "\"?)") or ""))
    return nil
  end
  L.op = op
  local allowed = {}
  for _, f in ipairs(COMMON) do allowed[#allowed + 1] = f end
  for _, f in ipairs(OP_FIELDS[op]) do allowed[#allowed + 1] = f end
  local known = {}
  for _, f in ipairs(ALL_FIELDS) do known[f] = true end
  ctx:keys("", raw, allowed, op, known)

  local f = {}
  for _, k in ipairs(OP_FIELDS[op]) do f[k] = true end
  if op == "pool" then
    parse_pool(ctx, raw, L)
  elseif f.k then
    L.kh, L.kw = ctx:pair("k", raw.k == nil and 3 or raw.k, 1, 15, { "kh", "kw" })
    L.sh, L.sw = ctx:pair("stride", raw.stride == nil and 1 or raw.stride, 1, 8, { "sh", "sw" })
    if f.dilation then
      L.dh, L.dw = ctx:pair("dilation", raw.dilation == nil and 1 or raw.dilation, 1, 8, { "dh", "dw" })
    else
      L.dh, L.dw = 1, 1
    end
    if f.pad and L.kh and L.kw and L.dh and L.dw then
      L.pad = parse_pad(ctx, raw.pad, L.kh, L.kw, L.dh, L.dw, "same")
    elseif op == "bottleneck" then
      L.pad = "same"
    end
  end
  L.mult = 1
  if f.mult and raw.mult ~= nil then L.mult = ctx:int("mult", raw.mult, 1, 64) end
  if f.cout and raw.cout ~= nil then
    L.cout = ctx:int("cout", raw.cout, 1, 65536)
  elseif op == "fc" then
    ctx:err("cout", "missing: the number of outputs of the fully connected layer")
  end
  if op == "se" then
    if raw.reduce == nil then
      ctx:err("reduce", "missing: the channels of the squeeze (the first fully connected layer)")
    else
      L.reduce = ctx:int("reduce", raw.reduce, 1, 65536)
    end
    L.se_act = ctx:act("se_act", raw.se_act == nil and "relu" or raw.se_act)
    if raw.gate == nil or raw.gate == "hsigmoid" or raw.gate == "sigmoid" then
      L.gate = { kind = raw.gate or "hsigmoid" }
    else
      ctx:err("gate", "must be \"hsigmoid\" or \"sigmoid\", got " .. show(raw.gate))
    end
  end
  if f.groups and raw.groups ~= nil then
    L.groups = ctx:int("groups", raw.groups, 1, 65536)
    if raw.topology ~= nil then ctx:err("groups", "cannot be combined with topology") end
  end
  if f.topology and raw.topology ~= nil then L.topology = parse_topology(ctx, raw.topology) end
  if not f.bias then
    L.bias = false                       -- pool, softmax: no weights
  elseif raw.bias == nil or raw.bias == true then
    L.bias = true
  elseif raw.bias == false then
    L.bias = false
  else
    ctx:err("bias", "must be true or false, got " .. show(raw.bias))
  end
  L.act = ctx:act("act", raw.act)
  if f.dw_act then L.dw_act = ctx:act("dw_act", raw.dw_act) end
  if f.mid_act then L.mid_act = ctx:act("mid_act", raw.mid_act) end
  if f.up_k then
    if raw.up_k == nil then
      L.up_kh, L.up_kw = L.kh, L.kw
    else
      L.up_kh, L.up_kw = ctx:pair("up_k", raw.up_k, 1, 15, { "kh", "kw" })
    end
  end
  if f.out and raw.out ~= nil then L.out_req = ctx:shape("out", raw.out, { "h", "w" }) end
  local r = raw.residual
  if r == nil or r == false then
    L.residual = "none"
  elseif r == true then
    L.residual = "self"
  elseif type(r) == "string" then
    L.residual, L.skip_name = "named", r
  else
    ctx:err("residual", "must be false, true or the name of an earlier layer, got " .. show(r))
  end
  if raw.input ~= nil then L.input = ctx:shape("input", raw.input, { "h", "w", "c" }) end
  return L
end

local function too_big(n) return n >= LIMIT end

-- Projection parameters: returns table {cin, cout, S, topo, groups} or nil.
M.MAX_TOPOLOGY_CONNECTIONS = 2 ^ 20

local function projection(ctx, L, cin)
  local cout = L.cout or cin
  local p = { cin = cin, cout = cout, groups = 1 }
  if L.groups then
    local g = L.groups
    if cin % g ~= 0 or cout % g ~= 0 then
      return ctx:err("groups", "must divide the projection's input channels (" .. cin ..
                     ") and output channels (" .. cout .. "), got " .. g)
    end
    p.groups = g
    if g > 1 then
      p.topo = { grid_in = { g, util.idiv(cin, g) }, grid_out = { g, util.idiv(cout, g) },
                 window = { 1, util.idiv(cin, g) } }
    end
  elseif L.topology then
    local t = L.topology
    local pi, po = util.product(t.grid_in), util.product(t.grid_out)
    if pi ~= cin then
      return ctx:err("topology.grid_in", "product " .. pi .. " must equal the projection's input channels " .. cin)
    end
    if po ~= cout then
      return ctx:err("topology.grid_out", "product " .. po .. " must equal the output channels " .. cout)
    end
    p.topo = t
  end
  p.S = p.topo and util.product(p.topo.window) or cin
  -- a topology's connections (cout x S) may need an index table of that
  -- many ints in the generated C (outputs that share no source list): 2^20
  -- keeps the file within a few MB and generation within seconds
  if L.topology and cout * p.S > M.MAX_TOPOLOGY_CONNECTIONS then
    return ctx:err("topology", string.format("%d outputs x %d inputs each = %.0f connections; sepgen's limit for a " ..
      "topology is %d (2^20: its index table goes into the generated C)", cout, p.S, cout * p.S,
      M.MAX_TOPOLOGY_CONNECTIONS))
  end
  return p
end

-- The `pad` field per axis: "same", "valid" or {before, after}.
local function pad_axes(pad)
  if pad == "same" or pad == "valid" then return pad, pad end
  return { pad[1], pad[3] }, { pad[2], pad[4] }
end

-- The output size and padding split of a windowed layer (k, stride,
-- dilation, pad).  Returns oh, ow or nothing after an error.
local function window_geometry(ctx, L)
  local ph, pw = pad_axes(L.pad)
  local oh, pt, pb = geom.conv_axis(L.H, L.kh, L.sh, L.dh, ph)
  local ow, pl, pr = geom.conv_axis(L.W, L.kw, L.sw, L.dw, pw)
  L.pt, L.pl, L.pb, L.pr = pt, pl, pb, pr
  if oh < 1 then
    return ctx:err("output height", L.kh .. "x" .. L.kw .. " kernel" ..
      (L.dh > 1 and (" with dilation " .. L.dh) or "") .. " does not fit a " .. L.H .. "x" .. L.W ..
      " input with " .. (L.pad == "valid" and "valid" or "this") .. " padding")
  end
  if ow < 1 then
    return ctx:err("output width", L.kh .. "x" .. L.kw .. " kernel" ..
      (L.dw > 1 and (" with dilation " .. L.dw) or "") .. " does not fit a " .. L.H .. "x" .. L.W ..
      " input with " .. (L.pad == "valid" and "valid" or "this") .. " padding")
  end
  return oh, ow
end

-- The geometry of the ops of section 8 (conv, pool, fc, se, softmax): the
-- output, its size as the intermediate (they have none), no kernel where
-- they have none.
local function resolve_whole_net_op(ctx, L)
  local op = L.op
  if op == "conv" or (op == "pool" and not L.global) then
    local oh, ow = window_geometry(ctx, L)
    if not oh then return nil end
    local cout = op == "conv" and (L.cout or L.C) or L.C
    local g = L.groups or 1
    if op == "conv" and (L.C % g ~= 0 or cout % g ~= 0) then
      return ctx:err("groups", "must divide the input channels (" .. L.C .. ") and cout (" .. cout .. "), got " .. g)
    end
    L.OH, L.OW, L.OC = oh, ow, cout
  else
    if op == "pool" then                 -- global: one window over the whole input
      L.kh, L.kw, L.sh, L.sw = L.H, L.W, 1, 1
    else
      L.kh, L.kw, L.sh, L.sw, L.dh, L.dw = 1, 1, 1, 1, 1, 1
    end
    L.pt, L.pl, L.pb, L.pr = 0, 0, 0, 0
    if op == "fc" then
      L.OH, L.OW, L.OC = 1, 1, L.cout
    elseif op == "pool" then
      L.OH, L.OW, L.OC = 1, 1, L.C
    else
      L.OH, L.OW, L.OC = L.H, L.W, L.C
    end
  end
  L.MH, L.MW, L.MC = L.OH, L.OW, L.OC
  return L
end

-- The geometry of a dwconv, separable or bottleneck layer (its depthwise
-- part, then the projection and the bottleneck's up stage).
local function resolve_conv(ctx, L)
  local op = L.op
  local oh, ow = window_geometry(ctx, L)
  if not oh then return nil end
  L.MH, L.MW, L.MC = oh, ow, L.C * L.mult
  if op == "dwconv" then
    L.OH, L.OW, L.OC = oh, ow, L.MC
    return L
  end
  L.pw = projection(ctx, L, L.MC)
  if not L.pw then return nil end
  if op == "separable" then
    L.OH, L.OW, L.OC = oh, ow, L.pw.cout
  else
    -- bottleneck: the up deconvolution is the adjoint of SAME conv H -> oh
    L.OH, L.OW, L.OC = L.H, L.W, L.pw.cout
    local _, upt, upb = geom.same(L.H, L.up_kh, L.sh, 1)
    local _, upl, upr = geom.same(L.W, L.up_kw, L.sw, 1)
    L.up = { kh = L.up_kh, kw = L.up_kw, pt = upt, pl = upl, pb = upb, pr = upr }
    L.MC = L.pw.cout
    L.DC = L.C
  end
  return L
end

-- The geometry of a dwdeconv layer: its output is the image whose forward
-- dwconv lands on the input (`out` chooses among several).
local function resolve_deconv(ctx, L)
  local ph, pw = pad_axes(L.pad)
  local req = L.out_req or {}
  local oh, pt, pb, okh = geom.deconv_axis(L.H, L.kh, L.sh, L.dh, ph, req.h)
  local ow, pl, pr, okw = geom.deconv_axis(L.W, L.kw, L.sw, L.dw, pw, req.w)
  if oh > 16384 or ow > 16384 then
    local field = oh > 16384 and (L.out_req and "out.h" or "output height") or
                  (L.out_req and "out.w" or "output width")
    return ctx:err(field, "the output would be " .. oh .. "x" .. ow .. "; every tensor's h and w must be in 1..16384")
  end
  if not okh or oh < 1 then
    return ctx:err(L.out_req and "out.h" or "output height",
      "the forward dwconv (" .. L.kh .. "x" .. L.kw .. ", stride " .. L.sh .. ") of a " ..
      oh .. "-row image does not give the " .. L.H .. "-row input")
  end
  if not okw or ow < 1 then
    return ctx:err(L.out_req and "out.w" or "output width",
      "the forward dwconv (" .. L.kh .. "x" .. L.kw .. ", stride " .. L.sw .. ") of a " ..
      ow .. "-column image does not give the " .. L.W .. "-column input")
  end
  L.pt, L.pl, L.pb, L.pr = pt, pl, pb, pr
  L.OH, L.OW, L.OC = oh, ow, L.C
  L.MH, L.MW, L.MC = oh, ow, L.C
  return L
end

-- The size limits of a resolved layer: the ranges of `input` hold for every
-- tensor of the net; every tensor, padded frame and packed weight buffer
-- stays below 2^31 elements.
local function check_sizes(ctx, L)
  local op = L.op
  local function range(what, h, w, c)
    if h > 16384 then return ctx:err(what .. " height", h .. " rows; every tensor's h must be in 1..16384") end
    if w > 16384 then return ctx:err(what .. " width", w .. " columns; every tensor's w must be in 1..16384") end
    if c > 65536 then return ctx:err(what .. " channels", c .. " channels; every tensor's c must be in 1..65536") end
    return true
  end
  if not range("output", L.OH, L.OW, L.OC) then return nil end
  if not range(op == "bottleneck" and "down-sampled" or "intermediate", L.MH, L.MW, L.MC) then return nil end
  if op == "bottleneck" and not range("down-sampled", L.MH, L.MW, L.C) then return nil end
  local tensors = {
    { "input", L.H * L.W * L.C },
    { "output", L.OH * L.OW * L.OC },
    { "intermediate", L.MH * L.MW * L.MC },
    -- generated index arithmetic spans the padded frame
    { "padded input", (L.H + L.pt + L.pb) * (L.W + L.pl + L.pr) * L.C },
  }
  if op == "dwdeconv" then
    tensors[#tensors + 1] = { "padded output", (L.OH + L.pt + L.pb) * (L.OW + L.pl + L.pr) * L.C }
  end
  if L.up then
    tensors[#tensors + 1] = { "padded output", (L.OH + L.up.pt + L.up.pb) * (L.OW + L.up.pl + L.up.pr) * L.OC }
  end
  local wts = 0
  if op == "conv" then
    wts = (L.kh * L.kw * util.idiv(L.C, L.groups or 1) + 1) * L.OC
  elseif op == "fc" then
    wts = (L.H * L.W * L.C + 1) * L.OC
  elseif op == "se" then
    wts = 2 * L.reduce * L.C + L.reduce + L.C
  elseif op ~= "pwconv" and op ~= "pool" and op ~= "softmax" then
    wts = wts + (L.kh * L.kw + 1) * L.C * L.mult
  end
  if L.pw then wts = wts + (L.pw.S + 1) * L.pw.cout end
  if L.up then wts = wts + (L.up.kh * L.up.kw + 1) * L.pw.cout end
  tensors[#tensors + 1] = { "packed weights", wts }
  for _, t in ipairs(tensors) do
    if too_big(t[2]) then
      return ctx:err(t[1], string.format("%.0f", t[2]) ..
                     " elements; every tensor and packed weight buffer must stay below 2^31 elements")
    end
  end
  return L
end

-- Resolves the geometry of a validated layer given its input shape.
local function resolve(ctx, L, inp)
  L.H, L.W, L.C = inp.h, inp.w, inp.c
  local op = L.op
  if op == "pwconv" then
    L.kh, L.kw, L.sh, L.sw, L.dh, L.dw = 1, 1, 1, 1, 1, 1
    L.pt, L.pl, L.pb, L.pr = 0, 0, 0, 0
    L.pw = projection(ctx, L, L.C)
    if not L.pw then return nil end
    L.OH, L.OW, L.OC = L.H, L.W, L.pw.cout
    L.MH, L.MW, L.MC = L.OH, L.OW, L.OC
  elseif op == "dwdeconv" then
    if not resolve_deconv(ctx, L) then return nil end
  elseif op == "conv" or op == "pool" or op == "fc" or op == "se" or op == "softmax" then
    if not resolve_whole_net_op(ctx, L) then return nil end
  elseif not resolve_conv(ctx, L) then
    return nil
  end
  return check_sizes(ctx, L)
end

---------------------------------------------------------------- entry

-- The net-level fields: name, input, the list of layers.  Returns the
-- net's input shape (or nil) and the layers, or nothing when the list
-- itself is unusable.
-- Headers the generated files and their Check test include with <...>:
-- a net of that name would put <name>.h in OUT, found first under -I OUT.
local HEADER_NAMES = {
  check = true, limits = true, math = true, stddef = true, stdint = true, stdio = true, stdlib = true,
  string = true, immintrin = true, arm_neon = true,
}

local function net_fields(nctx, raw, net)
  nctx:keys("", raw, NET_FIELDS)
  if raw.name == nil then
    nctx:err("name", "missing (the C prefix of the generated code, [a-z][a-z0-9_]*)")
  else
    net.name = check_name(nctx, "name", raw.name, "net")
    if net.name and (net.name == "sg" or net.name:sub(1, 3) == "sg_") then
      nctx:err("name", "\"sg\" and names starting with \"sg_\" are reserved for the runtime, got " .. show(net.name))
      net.name = nil
    elseif net.name and HEADER_NAMES[net.name] then
      nctx:err("name", show(net.name) .. " is reserved: <net>.h would hide the C header <" .. net.name ..
        ".h> that the generated files include (they are built with -I OUT)")
      net.name = nil
    end
  end
  local net_input
  if raw.input ~= nil then net_input = nctx:shape("input", raw.input, { "h", "w", "c" }) end
  local layers = raw.layers
  if type(layers) ~= "table" then
    return nctx:err("layers", "must be a list of 1..4096 layer tables, got " .. show(layers))
  end
  local n = #layers
  local count = 0
  for _ in pairs(layers) do count = count + 1 end
  if count ~= n then
    return nctx:err("layers", "must be a list (keys 1.." .. n .. "), found " .. count .. " entries")
  end
  if n < 1 or n > 4096 then
    return nctx:err("layers", "must have 1..4096 layers, got " .. n)
  end
  return true, net_input, layers
end

-- The net's own symbols N_<name> that a layer's N_<layer> would clash with
-- (forward_par: SPEC section 11).
local RESERVED_LAYER_NAMES = {
  pack = true, forward = true, forward_par = true, layers = true,
  packed_weights = true,
}

-- A layer's name: its own or l<i>; unique ignoring case, not a reserved
-- symbol.  names: lower-case name -> index, updated.
local function layer_name(ctx, raw_l, i, names)
  local name = "l" .. i
  if raw_l.name ~= nil then name = check_name(ctx, "name", raw_l.name, "layer") end
  if name then
    local lower = name:lower()
    if names[lower] then
      ctx:err("name", "duplicate of layer " .. names[lower] .. " (names are unique ignoring case)")
    elseif RESERVED_LAYER_NAMES[lower] then
      ctx:err("name", show(name) .. " is reserved (it would clash with the net's " .. lower .. " symbol)")
    end
    names[lower] = names[lower] or i
  end
  return name
end

-- Every layer in order: its fields, then its geometry from the shape the
-- chain brings (a layer with its own `input` starts a new chain).  Fills
-- net.layers; returns the number of chains.
local function net_layers(file, errors, raw, net, net_input, layers)
  local names = {}
  local chain, shape, chain_ok = 0, nil, false
  for i = 1, #layers do
    local raw_l = layers[i]
    local lname = type(raw_l) == "table" and type(raw_l.name) == "string" and raw_l.name or nil
    local ctx = new_ctx(file, errors, "layer " .. i ..
      (lname and (" " .. show(lname)) or (" \"l" .. i .. "\"")))
    local L = nil
    if type(raw_l) ~= "table" then
      ctx:err(nil, "must be a table, got " .. show(raw_l))
    else
      local name = layer_name(ctx, raw_l, i, names)
      L = parse_fields(ctx, raw_l, i)
      if L then L.name = name or ("l" .. i) end
    end
    if not L then
      chain_ok = false
    else
      local inp
      if L.input or i == 1 then
        chain = chain + 1
        inp = L.input or net_input
        chain_ok = inp ~= nil
        if not inp and not ctx.bad and not L.input and raw.input == nil then
          ctx:err("input", "missing: the first layer needs an input, from the net's `input` or its own")
        end
      else
        inp = chain_ok and shape or nil
      end
      L.chain = chain
      if inp and not ctx.bad and resolve(ctx, L, inp) then
        shape = { h = L.OH, w = L.OW, c = L.OC }
      end
      if ctx.bad or not inp then
        chain_ok = false
      else
        net.layers[i] = L
      end
    end
  end
  return chain
end

-- What needs every name first: names ending in _pack that clash with
-- another layer's pack function, and residuals (shapes, named skips).
local function check_references(file, errors, net)
  local n = #net.layers
  local by_name = {}
  for i = 1, n do by_name[net.layers[i].name] = i end
  for i = 1, n do
    local L = net.layers[i]
    local ctx = new_ctx(file, errors, "layer " .. i .. " " .. show(L.name))
    local base = L.name:match("^(.*)_pack$")
    local j = base and by_name[base]
    if j and j ~= i then
      ctx:err("name", show(L.name) .. " would clash with layer " .. j .. "'s " ..
              net.layers[j].name .. "_pack function")
    end
    local out = { h = L.OH, w = L.OW, c = L.OC }
    if L.residual == "self" then
      local inp = { h = L.H, w = L.W, c = L.C }
      if dims(inp) ~= dims(out) then
        ctx:err("residual", "the layer's input " .. dims(inp) .. " and output " .. dims(out) ..
                " differ, so the input cannot be added")
      end
    elseif L.residual == "named" then
      local sj = by_name[L.skip_name]
      if not sj then
        local earlier = {}
        for k = 1, i - 1 do earlier[#earlier + 1] = net.layers[k].name end
        local near = nearest(L.skip_name, earlier)
        ctx:err("residual", "no layer named " .. show(L.skip_name) ..
                (near and (" (did you mean \"" .. near .. "\"?)") or ""))
      elseif sj >= i then
        ctx:err("residual", show(L.skip_name) .. " is layer " .. sj ..
                ", not an earlier layer (a skip must come from before)")
      elseif net.layers[sj].chain ~= L.chain then
        ctx:err("residual", show(L.skip_name) .. " (layer " .. sj .. ") is in another chain")
      else
        local S = net.layers[sj]
        local sk = { h = S.H, w = S.W, c = S.C }
        if dims(sk) ~= dims(out) then
          ctx:err("residual", "the input of " .. show(L.skip_name) .. " is " .. dims(sk) ..
                  " but this layer's output is " .. dims(out))
        end
        L.skip = sj
      end
    end
  end
end

-- Validates the value a shapes file returned.  Returns net, errors.
function M.validate(raw, file)
  local errors = {}
  local nctx = new_ctx(file, errors, nil)
  if type(raw) ~= "table" then
    nctx:err(nil, "the shapes file must return a table, got " .. show(raw))
    return nil, errors
  end
  local net = { file = file, layers = {} }
  local ok, net_input, layers = net_fields(nctx, raw, net)
  if not ok then return nil, errors end
  local chains = net_layers(file, errors, raw, net, net_input, layers)
  if #errors > 0 then return nil, errors end
  check_references(file, errors, net)
  if #errors > 0 then return nil, errors end
  net.chains = chains
  return net, errors
end

-- Loads and validates `text` (the file's contents) named `file`.
function M.load(text, file)
  -- a UTF-8 byte-order mark (editors on Windows write one): lua5.4 and
  -- lua5.1 reject it and LuaJIT skips it; all three skip it here
  if text:sub(1, 3) == "\239\187\191" then text = text:sub(4) end
  local ok, value = sandbox.run(text, file)
  if not ok then
    local msg = value
    if msg:sub(1, #file + 1) ~= file .. ":" then msg = file .. ": " .. msg end
    return nil, { msg }
  end
  return M.validate(value, file)
end

return M
