-- gen.lua - random *valid* shapes files over the whole grammar (README "The
-- shapes file", SPEC sections 2, 3 and 8), for the fuzzer (tests/fuzz/fuzz.lua).
--
-- Each net is a pure function of (seed, index): the same file on every run.
-- Layers are drawn one at a time on the shape the chain brings; every draw
-- is checked by the generator's own validator (gen/shapes.lua, the same
-- code `make gen` runs) and redrawn when the validator rejects it, so this
-- file does not restate the rules, only the ranges it draws from: every op
-- and field, each form of k, stride, dilation, pad, act and residual, and
-- the sizes around the targets' tiles (channel counts 1..3, 7..9, 15..17,
-- 31..33, 48, 65; widths 1, 2, odd), small enough that a net generates,
-- compiles and runs in a few seconds.
--
--   local gen = require("gen")
--   local net = gen.net(seed, index [, opts])
--     net.text    the shapes file (comment header, then `return {...}`)
--     net.raw     the table it returns
--     net.args    generator options (`--fuse always`, `--threads 3`) or ""
--     net.bake    true: bake random weights (gen/mkweights.lua) for it
--     net.layers  the number of layers
--     net.chains  the number of chains
--   opts.max_layers (default 6), opts.tag (names the generator in the header),
--   opts.max_code: at most this many bytes of generated C for scalar and
--   avx512 (the compile time grows with it: large kernels with padding
--   unroll many border cases); the trailing layers go, or the net is drawn
--   again, until it fits (default 200000)
--
-- Run alone it prints net INDEX of SEED:  lua5.4 tests/fuzz/gen.lua SEED INDEX
-- (the net `make fuzz SEED=SEED` tests as its INDEX-th)
-- luacheck: std lua54
local MAIN = (...) ~= "gen"          -- run as a script, not required
if MAIN then
  local d = arg[0]:match("^(.*)[/\\][^/\\]*$") or "."
  package.path = d .. "/?.lua;" .. d .. "/../../gen/?.lua;" .. package.path
end
local lib = require("lib")
local shapes = require("shapes")
local geom = require("geom")
local plan = require("plan")
local emit = require("emit")

local M = {}

local floor = math.floor

-- Channel counts around every target's tiles (scalar 4 and 8, NEON 4,
-- AVX2 8, AVX-512 16 lanes, 4-pixel register tiles), weighted.
local CHANNELS = {
  { 5, 1 }, { 4, 2 }, { 5, 3 }, { 2, 4 }, { 3, 7 }, { 5, 8 }, { 4, 9 }, { 1, 12 }, { 3, 15 }, { 5, 16 },
  { 4, 17 }, { 1, 24 }, { 2, 31 }, { 3, 32 }, { 2, 33 }, { 2, 48 }, { 1, 65 },
}
local SIZES = {
  { 6, 1 }, { 6, 2 }, { 5, 3 }, { 4, 4 }, { 5, 5 }, { 2, 6 }, { 5, 7 }, { 4, 8 }, { 5, 9 }, { 2, 10 },
  { 3, 11 }, { 2, 12 }, { 3, 13 }, { 1, 15 }, { 2, 16 }, { 2, 17 }, { 1, 19 }, { 1, 23 },
}
local ACTS = { "none", "relu", "relu6", "hswish", "hsigmoid", "sigmoid" }
local CLAMPS = { -6, -3.5, -1, -0.25, 0, 0.5, 1, 2.75, 6, 0.001 }
-- now and then the ends of float's range (sums beyond it are inf or NaN)
local HUGE_CLAMPS = { 1e30, -1e30, -3.4e38, 3.4e38 }
-- Layer names that sit next to the symbols the header already defines
-- (N_IN_H, N_pack, N_layers, N_forward, <layer>_pack...).
local NAMES = {
  "in", "out", "packed", "arena", "layer", "layer_count", "scratch", "weights", "packed_weights", "has",
  "generated_h", "in_h", "out_c", "run", "forward_par", "max_threads", "x_pack_x", "pack_", "packs",
  "forwards", "layers_", "a", "z9", "b_", "sg", "check", "main", "int", "float", "restrict", "static",
}

-- Cost bounds per layer (the check program runs every layer at -O0 under
-- the sanitizers): output elements and multiply-adds.
local MAX_ELEMS = 24000
local MAX_MACS = 1500000

---------------------------------------------------------------- draws

local function channels(r) return r:weighted(CHANNELS) end
local function size(r) return r:weighted(SIZES) end

-- An integer field, written now and then as an integral float (3.0).
local function num(r, v)
  if r:chance(0.06) then return v + 0.0 end
  return v
end

local function small_k(r)
  return r:weighted({ { 7, 3 }, { 4, 1 }, { 3, 2 }, { 4, 5 }, { 2, 7 }, { 1, 4 }, { 1, 6 }, { 1, r:int(8, 15) } })
end
local function small_s(r)
  return r:weighted({ { 6, 1 }, { 6, 2 }, { 2, 3 }, { 1, 4 }, { 1, r:int(5, 8) } })
end
local function small_d(r)
  return r:weighted({ { 7, 1 }, { 4, 2 }, { 1, 3 }, { 1, r:int(4, 8) } })
end

-- A `k`-like field (k, stride, dilation, up_k): nil (the default), a
-- number or a pair.  Returns the field and the two values it means.
local function pair_field(r, draw, default, p_omit)
  if r:chance(p_omit) then return nil, default, default end
  if r:chance(0.7) then
    local v = draw(r)
    return num(r, v), v, v
  end
  local a, b = draw(r), draw(r)
  return { num(r, a), num(r, b) }, a, b
end

local function clamp(r)
  if r:chance(0.08) then return r:pick(HUGE_CLAMPS) end
  return r:pick(CLAMPS)
end

local function act(r)
  if r:chance(0.65) then return r:pick(ACTS) end
  local x = r:int(1, 4)
  if x == 1 then return { min = clamp(r) } end
  if x == 2 then return { max = clamp(r) } end
  if x == 3 and r:chance(0.2) then return {} end
  local a, b = clamp(r), clamp(r)
  if a > b then a, b = b, a end
  return { min = a, max = b }
end

-- Sets t[key] = an activation or leaves it out (p_omit).
local function maybe_act(r, t, key, p_omit)
  if not r:chance(p_omit) then t[key] = act(r) end
end

local function pad(r, kh, kw, dh, dw, default)
  local x = r:int(1, 10)
  if x <= 3 then return nil end
  if x <= 5 then return x == 4 and "same" or "valid" end
  if x == 6 and default then return default end
  local mh, mw = (kh - 1) * dh, (kw - 1) * dw
  if x <= 8 then return num(r, r:int(0, math.min(mh, mw))) end
  return { r:int(0, mh), r:int(0, mw), r:int(0, mh), r:int(0, mw) }
end

local function divisors(n)
  local d = {}
  for i = 1, n do if n % i == 0 then d[#d + 1] = i end end
  return d
end

-- n split into d factors (row-major grid dimensions, 1s allowed).
local function factor(r, n, d)
  local f = {}
  for i = 1, d do f[i] = 1 end
  local m, p = n, 2
  while m > 1 do
    if m % p == 0 then
      local j = r:int(1, d)
      f[j] = f[j] * p
      m = floor(m / p)
    else
      p = p + 1
    end
  end
  return f
end

-- The projection fields (cout, groups or topology) for `cin` channels.
local function projection(r, t, cin, p_cout)
  local mode = r:int(1, 10)
  if mode <= 2 then
    local ds = divisors(cin)
    local g = ds[r:int(1, #ds)]
    if g == 1 and #ds > 1 and r:chance(0.7) then g = ds[r:int(2, #ds)] end
    t.groups = num(r, g)
    if r:chance(0.7) then t.cout = num(r, g * r:int(1, math.max(1, floor(66 / g)))) end
    return
  end
  if r:chance(p_cout) then t.cout = num(r, channels(r)) end
  if mode <= 4 then
    local cout = t.cout or cin
    local d = r:weighted({ { 3, 1 }, { 6, 2 }, { 3, 3 }, { 3, r:int(4, 8) } })
    local gi, go = factor(r, cin, d), factor(r, cout, d)
    local w = {}
    for i = 1, d do w[i] = r:int(1, gi[i]) end
    t.topology = { grid_in = gi, grid_out = go, window = w }
  end
end

local function bias(r, t)
  local x = r:int(1, 10)
  if x <= 2 then t.bias = false elseif x == 3 then t.bias = true end
end

-- The valid `out` sizes of a dwdeconv axis (n: its input, the forward
-- dwconv's output), by the generator's own geometry.
local function deconv_outs(n, k, s, d, padax)
  local r = {}
  for o = 1, n * s + (k - 1) * d + 2 do
    local _, _, _, ok = geom.deconv_axis(n, k, s, d, padax, o)
    if ok then r[#r + 1] = o end
  end
  return r
end

local function pad_axis(p, i)
  if p == nil then return "same" end
  if p == "same" or p == "valid" then return p end
  if type(p) == "number" then return { p, p } end
  return { p[i], p[i + 2] }
end

-- The layer table for `op` on input `inp` ({h, w, c}).
local function layer(r, op, inp)
  local t = { op = op }
  local C = inp.c
  local dwops = { dwconv = true, separable = true, dwdeconv = true, bottleneck = true, conv = true }
  local kh, kw, dh, dw = 3, 3, 1, 1
  if dwops[op] then
    t.k, kh, kw = pair_field(r, small_k, 3, 0.25)
    local sd = op == "dwdeconv" and 0.3 or 0.45
    t.stride = pair_field(r, small_s, 1, sd)
    if op ~= "bottleneck" then
      t.dilation, dh, dw = pair_field(r, small_d, 1, 0.65)
      t.pad = pad(r, kh, kw, dh, dw, "same")
    end
  end
  if (op == "dwconv" or op == "separable") and r:chance(0.4) then
    local m = r:weighted({ { 4, 1 }, { 6, 2 }, { 3, 3 }, { 2, 4 }, { 1, r:int(5, 64) } })
    if C * m > 130 then m = math.max(1, floor(130 / C)) end
    t.mult = num(r, m)
  end
  if op == "pwconv" or op == "separable" or op == "bottleneck" then
    local cin = op == "separable" and C * (t.mult or 1) or C
    projection(r, t, cin, 0.7)
  end
  if op == "separable" or op == "bottleneck" then maybe_act(r, t, "dw_act", 0.4) end
  if op == "bottleneck" then
    maybe_act(r, t, "mid_act", 0.5)
    if r:chance(0.3) then t.up_k = pair_field(r, small_k, 3, 0) end
  end
  if op == "dwdeconv" and r:chance(0.35) then
    local sh, sw = 1, 1
    if type(t.stride) == "table" then
      sh, sw = t.stride[1], t.stride[2]
    elseif t.stride then
      sh, sw = t.stride, t.stride
    end
    local hs = deconv_outs(inp.h, kh, floor(sh), dh, pad_axis(t.pad, 1))
    local ws = deconv_outs(inp.w, kw, floor(sw), dw, pad_axis(t.pad, 2))
    if #hs > 0 and #ws > 0 then t.out = { h = r:pick(hs), w = r:pick(ws) } end
  end
  if op == "conv" then
    if r:chance(0.7) then t.cout = num(r, channels(r)) end
    if r:chance(0.3) then
      local cout = t.cout or C
      local common = {}
      for _, g in ipairs(divisors(C)) do if cout % g == 0 then common[#common + 1] = g end end
      t.groups = num(r, r:pick(common))
    end
  elseif op == "pool" then
    t.type = r:chance(0.5) and "avg" or "max"
    if r:chance(0.3) then
      t.global = true
    else
      if r:chance(0.1) then t.global = false end
      t.k, kh, kw = pair_field(r, small_k, 3, 0)
      if r:chance(0.6) then t.stride = pair_field(r, small_s, 1, 0) end
      t.pad = pad(r, kh, kw, 1, 1, "valid")
    end
    if t.type == "avg" and r:chance(0.5) then t.count_pad = r:chance(0.6) end
  elseif op == "fc" then
    t.cout = num(r, channels(r))
  elseif op == "se" then
    t.reduce = num(r, r:weighted({ { 3, 1 }, { 3, 2 }, { 2, 3 }, { 3, 4 }, { 2, 8 }, { 1, 16 }, { 1, channels(r) } }))
    if r:chance(0.5) then t.se_act = act(r) end
    if r:chance(0.6) then t.gate = r:chance(0.5) and "hsigmoid" or "sigmoid" end
  end
  if op ~= "pool" and op ~= "softmax" then bias(r, t) end
  maybe_act(r, t, "act", 0.35)
  if r:chance(0.05) then t.residual = false end
  return t
end

local OPS = {
  { 4, "dwconv" }, { 4, "pwconv" }, { 5, "separable" }, { 3, "dwdeconv" }, { 3, "bottleneck" },
  { 3, "conv" }, { 3, "pool" }, { 2, "fc" }, { 2, "se" }, { 1, "softmax" },
}

local function rand_name(r, maxlen)
  if r:chance(0.25) then return r:pick(NAMES) end
  local first = "abcdefghijklmnopqrstuvwxyz"
  local rest = first .. "0123456789_"
  local n = r:chance(0.05) and maxlen or r:int(1, 10)
  local i = r:int(1, 26)
  local s = { first:sub(i, i) }
  for _ = 2, n do
    local j = r:int(1, #rest)
    s[#s + 1] = rest:sub(j, j)
  end
  return table.concat(s)
end

---------------------------------------------------------------- nets

local NAME = "fuzz.lua"

-- The validator's verdict on a raw net: the resolved net or nil.
local function check(raw)
  local net = shapes.load(lib.shapes_text(raw), NAME)
  return net
end

local function fits(L)
  if L.OH * L.OW * L.OC > MAX_ELEMS or L.MH * L.MW * L.MC > MAX_ELEMS then return false end
  if L.H > 64 or L.W > 64 or L.OH > 64 or L.OW > 64 then return false end
  local macs = L.OH * L.OW * L.OC * math.max(1, L.kh * L.kw)
  if L.op == "fc" then macs = L.H * L.W * L.C * L.OC end
  if L.pw then macs = macs + L.MH * L.MW * L.pw.S * L.pw.cout end
  if L.op == "conv" then macs = macs * math.floor(L.C / (L.groups or 1)) end
  return macs <= MAX_MACS
end

-- A residual for layer i of raw (resolved: `net`), or nil: true when its
-- input has its output's shape, or the name of an earlier layer of its
-- chain whose input has it.
local function residual(r, net, raw, i)
  local L = net.layers[i]
  local named = {}
  local function same(S) return S.H == L.OH and S.W == L.OW and S.C == L.OC end
  for j = 1, i - 1 do
    local S = net.layers[j]
    if S.chain == L.chain and same(S) then named[#named + 1] = raw.layers[j].name or ("l" .. j) end
  end
  if #named > 0 and (not same(L) or r:chance(0.6)) then return r:pick(named) end
  if same(L) then return true end
  return nil
end

-- The bytes of C the generator writes for raw on target (in process:
-- plan.lua and emit.lua, as gen/main.lua runs them), or nil when it fails
-- (the fuzz case will show why).
local ROOT = (package.searchpath("shapes", package.path) or "gen/shapes.lua"):match("^(.*)[/\\]gen[/\\]") or "."
local function code_size(raw, target, args)
  local net = check(raw)
  if not net then return nil end
  local fuse = args:match("%-%-fuse (%a+)") or (args:match("memory") and "always") or "auto"
  local ok, files = pcall(function()
    local p = plan.net(net, target, fuse, tonumber(args:match("%-%-threads (%d+)") or "1"))
    emit.template_dir = ROOT .. "/templates"
    return emit.net(p, NAME, ROOT .. "/runtime", "", nil)
  end)
  if not ok then return nil end
  local n = 0
  for _, f in ipairs(files) do n = n + #f[2] end
  return n
end

local function too_big(raw, args, budget)
  for _, t in ipairs({ "avx512", "scalar" }) do
    local n = code_size(raw, t, args)
    if n and n > budget then return true end
  end
  return false
end

-- The input shape of an earlier layer of the chain (not the previous one)
-- that has the current height and width, or nil.
local function raw_prefix(raw, n)
  local t = {}
  for k, v in pairs(raw) do t[k] = v end
  t.layers = {}
  for j = 1, n do t.layers[j] = raw.layers[j] end
  return t
end

local function skip_target(r, raw, i, cur)
  local net = check(raw_prefix(raw, i - 1))
  if not net then return nil end
  local c = {}
  for j = i - 2, 1, -1 do
    local L = net.layers[j]
    if L.chain ~= net.layers[i - 1].chain then break end
    if L.H == cur.h and L.W == cur.w then c[#c + 1] = { c = L.C } end
  end
  if #c == 0 then return nil end
  return r:pick(c)
end

-- M.net(seed, index [, opts]): net `index` of the run with `seed`.
function M.net(seed, index, opts)
  opts = opts or {}
  local budget = opts.max_code or 200000
  for attempt = 1, 6 do
    local net = M.draw(seed, index, opts, attempt)
    local raw = net.raw
    while #raw.layers > 1 and too_big(raw, net.args, budget) do raw.layers[#raw.layers] = nil end
    if attempt == 6 or not too_big(raw, net.args, budget) then
      return M.finish(net, seed, index, opts, attempt)
    end
  end
end

-- A net before the code budget (attempt: the draw for `index`).
function M.draw(seed, index, opts, attempt)
  local r = lib.rng(seed, "net", index, attempt)
  local max_layers = opts.max_layers or 6
  local mode = r:weighted({ { 6, "chain" }, { 2, "unrelated" }, { 2, "chains" } })
  local n = r:int(1, max_layers)
  local raw = { name = "fz" .. index, layers = {} }
  for _ = 1, 10 do
    local nm = rand_name(r:fork("netname"), 32)
    local t = { name = nm, input = { h = 1, w = 1, c = 1 }, layers = { { op = "softmax" } } }
    if check(t) then raw.name = nm; break end
  end
  if r:chance(0.1) then raw.name = raw.name .. string.rep("x", 32 - #raw.name) end
  local first_own = mode ~= "chain" or r:chance(0.2)
  if not first_own or r:chance(0.1) then raw.input = { h = size(r), w = size(r), c = channels(r) } end
  local cur = raw.input                  -- the shape the chain brings
  for i = 1, n do
    local own = (i == 1 and first_own) or (i > 1 and (mode == "unrelated" or (mode == "chains" and r:chance(0.4))))
    local done = false
    for try = 1, 40 do
      local lr = r:fork("layer" .. try)
      local inp = cur
      local t
      if own or not inp then
        inp = { h = size(lr), w = size(lr), c = channels(lr) }
      end
      t = layer(lr, lr:weighted(OPS), inp)
      local skip = not own and cur and i > 2 and lr:chance(0.5) and skip_target(lr, raw, i, cur)
      if skip and (t.op == "pwconv" or t.op == "separable" or t.op == "conv") then
        -- back to the shape an earlier layer read: a named residual can add it
        t.cout, t.stride, t.pad, t.groups, t.topology = skip.c, nil, nil, nil, nil
      end
      if own or not cur then t.input = { h = num(lr, inp.h), w = num(lr, inp.w), c = num(lr, inp.c) } end
      if lr:chance(0.45) then
        t.name = rand_name(lr, 32)
      end
      raw.layers[i] = t
      local net = check(raw)
      if net and fits(net.layers[i]) then
        if lr:chance(skip and 0.8 or 0.4) then
          local res = residual(lr, net, raw, i)
          if res ~= nil then
            t.residual = res
            if not check(raw) then t.residual = nil end
          end
        end
        local L = net.layers[i]
        cur = { h = L.OH, w = L.OW, c = L.OC }
        done = true
        break
      end
    end
    if not done then
      -- the draws all failed (a 1x1 tail, say): a projection fits anything
      raw.layers[i] = { op = "pwconv", input = (own or not cur) and { h = 3, w = 3, c = 8 } or nil }
      local net = assert(check(raw), "gen.lua: the fallback layer does not validate")
      local L = net.layers[i]
      cur = { h = L.OH, w = L.OW, c = L.OC }
    end
  end
  local args = ""
  local x = r:int(1, 10)
  if x == 1 then args = "--fuse always" elseif x == 2 then args = "--fuse never"
  elseif x == 3 then args = "--optimize memory" end
  -- N_MAX_THREADS 2..4: the check file runs N_L_par and N_forward_par on fake pools
  if r:chance(0.3) then args = (args ~= "" and (args .. " ") or "") .. "--threads " .. r:int(2, 4) end
  return { raw = raw, args = args, bake = r:chance(0.3) }
end

-- The file of a drawn net: its header and text.
function M.finish(d, seed, index, opts, attempt)
  local raw = d.raw
  local net = assert(check(raw), "gen.lua: the net does not validate")
  local chains = net.chains
  local bake = chains == 1 and d.bake
  local header = {
    "fuzz: valid",
    "found: " .. (opts.tag or "tests/fuzz/gen.lua") .. " seed " .. tostring(seed) .. " net " .. index ..
      (attempt > 1 and (" (draw " .. attempt .. ")") or "") ..
      " (" .. #raw.layers .. " layers, " .. chains .. " chain" .. (chains == 1 and "" or "s") .. ")",
  }
  if d.args ~= "" then header[#header + 1] = "sepgen-args: " .. d.args end
  if bake then header[#header + 1] = "fuzz-bake: yes" end
  return {
    text = lib.shapes_text(raw, header), raw = raw, args = d.args, bake = bake,
    layers = #raw.layers, chains = chains,
  }
end

M.check = check
M.NAME = NAME

if MAIN then
  local seed, index = math.tointeger(tonumber(arg[1] or "")), math.tointeger(tonumber(arg[2] or ""))
  if not seed or not index then
    io.stderr:write("usage: lua5.4 tests/fuzz/gen.lua SEED INDEX   (prints net INDEX of SEED)\n")
    os.exit(2)
  end
  io.write(M.net(seed, index).text)
  return
end
return M
