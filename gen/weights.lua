-- weights.lua - baked weights (README "Baked weights"): which tensors a
-- net's weights file must hold (names `<layer>.<field>`, TFLite shapes),
-- their validation, and the net's packed weights computed here, in the
-- order the kernels read them: the same layout templates/pack.c.in writes
-- at run time (the check file compares the two bit for bit).  Values move
-- as bit patterns, never as numbers.
local util = require("util")
local st_file = require("safetensors")

local M = {}

local idiv, imod = util.idiv, util.imod
local ZERO = "0.0f"

-- The tensors layer L reads: list of { field, shape, bias }.
function M.expected(L)
  local t = {}
  local function add(field, shape, bias) t[#t + 1] = { field = field, shape = shape, bias = bias } end
  local op = L.op
  if op == "dwconv" or op == "separable" then
    add("dw_w", { L.kh, L.kw, L.C * L.mult }); add("dw_b", { L.C * L.mult }, true)
  elseif op == "dwdeconv" or op == "bottleneck" then
    add("dw_w", { L.kh, L.kw, L.C }); add("dw_b", { L.C }, true)
  elseif op == "conv" then
    add("conv_w", { L.OC, L.kh, L.kw, idiv(L.C, L.groups or 1) }); add("conv_b", { L.OC }, true)
  elseif op == "fc" then
    add("fc_w", { L.OC, L.H * L.W * L.C }); add("fc_b", { L.OC }, true)
  elseif op == "se" then
    add("se_w1", { L.reduce, L.C }); add("se_b1", { L.reduce }, true)
    add("se_w2", { L.C, L.reduce }); add("se_b2", { L.C }, true)
  end
  if L.pw then
    add("pw_w", { L.pw.cout, L.pw.S }); add("pw_b", { L.pw.cout }, true)
  end
  if op == "bottleneck" then
    add("up_w", { L.up.kh, L.up.kw, L.OC }); add("up_b", { L.OC }, true)
  end
  if not L.bias then
    local kept = {}
    for _, e in ipairs(t) do if not e.bias then kept[#kept + 1] = e end end
    t = kept
  end
  return t
end

-- Shapes a and b hold the same data layout: equal once dimensions of size
-- 1 are dropped (TFLite's [1][kh][kw][C] depthwise and [Cout][1][1][Cin]
-- 1x1 filters are the [kh][kw][C] and [Cout][Cin] of README "Weight
-- layouts").
local function same_shape(a, b)
  local function squeeze(d)
    local r = {}
    for _, v in ipairs(d) do if v ~= 1 then r[#r + 1] = v end end
    return r
  end
  a, b = squeeze(a), squeeze(b)
  if #a ~= #b then return false end
  for i = 1, #a do if a[i] ~= b[i] then return false end end
  return true
end

-- Checks parsed safetensors file f against net; returns a list of
-- messages (empty when f holds exactly the tensors the net reads, each
-- with its shape, every value finite).
function M.check(net, f)
  local errs, wanted = {}, {}
  for i, L in ipairs(net.layers) do
    local function bad(name, what)
      errs[#errs + 1] = string.format('tensor %s (layer %d "%s"): %s', name, i, L.name, what)
    end
    for _, e in ipairs(M.expected(L)) do
      local name = L.name .. "." .. e.field
      wanted[name] = true
      local t = f.tensors[name]
      if not t then
        bad(name, "missing: expected F32 of shape " .. st_file.dims_text(e.shape))
      elseif not same_shape(t.shape, e.shape) then
        bad(name, "expected shape " .. st_file.dims_text(e.shape) .. ", found " .. st_file.dims_text(t.shape))
      else
        for k = 0, t.count - 1 do
          if st_file.nonfinite(st_file.bits(f, t, k)) then
            bad(name, string.format("element %d is not finite (infinity or NaN)", k))
            break
          end
        end
      end
    end
    if not L.bias then
      for _, field in ipairs({ "dw_b", "pw_b", "up_b", "conv_b", "fc_b", "se_b1", "se_b2" }) do
        local name = L.name .. "." .. field
        if f.tensors[name] then
          wanted[name] = true
          bad(name, "unexpected: the layer has bias = false (remove the tensor or the bias = false)")
        end
      end
    end
  end
  for _, name in ipairs(f.names) do
    if not wanted[name] then
      local layer = name:match("^(.-)%.[^.]*$")
      local known = false
      for _, L in ipairs(net.layers) do if L.name == layer then known = true end end
      errs[#errs + 1] = string.format("tensor %s: unexpected: %s", name, known
        and "the layer reads no such field" or "no layer of that name")
    end
  end
  return errs
end

-- The packed weights of one stage, written into array d (0-based offsets
-- from `base`), from w(field, index) -> bit pattern.  The layouts of
-- templates/pack.c.in.
local function pack_stage(st, base, d, w)
  if not st.wnames then return end
  local ww, wb = st.wnames.w, st.wnames.b
  local function put(at, v)
    local k = base + st.woff + at
    if d[k] ~= nil then error(string.format("packing stage at %d: float %d written twice", base + st.woff, k)) end
    d[k] = v
  end
  -- Panels of nr outputs (padded to a whole number of vectors, `pad`) per
  -- group, then the tail panel: each the bias, then for every one of K
  -- inputs (projection slots, or conv taps x channels) the panel's weights
  -- of it; output o's K weights are row o of the source (w[o][K]).  The
  -- projection and conv stages share this layout (pack.c.in).
  local function panels(G, K, o0_panel, o0_tail, tail_first)
    local function panel(count, nr, pad, o0base, stride, first)
      for g = 0, G - 1 do
        for n = 0, count - 1 do
          local at = st.group_stride * g + stride * n + first
          local o0 = st.cout_g * g + nr * n + o0base
          local skip = 0
          if st.bias then
            for j = 0, pad - 1 do put(at + j, j < nr and w(wb, o0 + j) or ZERO) end
            skip = pad
          end
          for k = 0, K - 1 do
            for j = 0, pad - 1 do put(at + skip + pad * k + j, j < nr and w(ww, K * (o0 + j) + k) or ZERO) end
          end
        end
      end
    end
    if st.npanels > 0 then panel(st.npanels, st.nr, st.nr_pad, o0_panel, st.panel_stride, 0) end
    if st.ntail > 0 then panel(1, st.ntail, st.ntail_pad, o0_tail, st.tail_stride, tail_first) end
  end
  if st.kind == "spatial" then
    for _, t in ipairs(st.tiles) do
      for ct = 0, t.count - 1 do
        local at = t.woff + t.stride * ct
        local o0 = t.c0 * st.mult + t.ct * st.mult * ct
        if t.bias_floats > 0 then
          for j = 0, t.npad - 1 do put(at + j, j < t.nacc and w(wb, o0 + j) or ZERO) end
        end
        for k = 0, st.kh * st.kw - 1 do
          for j = 0, t.npad - 1 do
            put(at + t.bias_floats + t.npad * k + j, j < t.nacc and w(ww, st.OC * k + o0 + j) or ZERO)
          end
        end
      end
    end
  elseif st.kind == "conv" then
    panels(st.groups, st.kh * st.kw * st.cin_g, 0, st.npanels * st.nr, st.npanels * st.panel_stride)
  elseif st.pair then
    local C2 = st.pair.slot
    local function out_of(j) return idiv(j, 16) * 8 + idiv(imod(j, 16), 2) end
    local skip = 0
    if st.bias then
      for j = 0, C2 - 1 do put(j, w(wb, out_of(j))) end
      skip = C2
    end
    for s = 0, st.pair.k16 - 1 do
      -- slot s holds input channel k (the permutation of pack.c.in)
      -- (s & ~15) + ((s & 8) >> 2) + ((s & 6) << 1) + (s & 1)
      local k = s - imod(s, 16) + (imod(s, 16) >= 8 and 2 or 0) + (imod(s, 8) - imod(s, 2)) * 2 + imod(s, 2)
      for j = 0, C2 - 1 do put(skip + C2 * s + j, k < st.cin and w(ww, st.S * out_of(j) + k) or ZERO) end
    end
  elseif st.kind == "pw" then
    -- a split fc's block packs its rows of the layer's weights (st.o_first on)
    panels(st.G, st.S, st.panel.o0 + (st.o_first or 0), st.tailp.o0 + (st.o_first or 0), st.tail_woff)
  end
end

-- The net's packed weights as a 0-based array of C literals (length
-- plan.arena.packed_floats; the padding between layers "0.0f") from raw
-- (M.raw).  Every entry is written exactly once.
function M.pack(plan, raw)
  local a = plan.arena
  local d = {}
  for i, p in ipairs(plan.layers) do
    local L = p.L
    local by_field = {}
    for _, e in ipairs(raw[i]) do by_field[e.field] = e.literals end
    local function w(field, k)
      local lits = by_field[field]
      local v = lits and lits[k + 1]
      if not v then error(string.format("packing layer %s: %s[%d] out of range", L.name, field, k)) end
      return v
    end
    for _, st in ipairs(p.stages) do pack_stage(st, a.packed[i], d, w) end
  end
  for k = 0, a.packed_floats - 1 do
    if d[k] == nil then d[k] = "0.0f" end
  end
  return d
end

-- The raw tensors of checked file f, per layer: { { field, literals,
-- offset (of its first byte in the file), count } }.
function M.raw(net, f)
  local r = {}
  for i, L in ipairs(net.layers) do
    r[i] = {}
    for _, e in ipairs(M.expected(L)) do
      local t = f.tensors[L.name .. "." .. e.field]
      local lits, bytes, at = {}, f.bytes, f.base + t.first
      for k = 1, t.count do
        local b1, b2, b3, b4 = bytes:byte(at + 1, at + 4)
        lits[k] = st_file.hexf(((b4 * 256 + b3) * 256 + b2) * 256 + b1)
        at = at + 4
      end
      r[i][#r[i] + 1] = { field = e.field, literals = lits, offset = f.base + t.first, count = t.count }
    end
  end
  return r
end

-- n C literals d[first .. first + n - 1] as initializer lines (8 values a
-- line, indented 4), for `const float x[n] = { ... };`.
function M.initializer(d, n, first)
  first = first or 0
  local lines, row = {}, {}
  for k = 0, n - 1 do
    row[#row + 1] = d[first + k]
    if #row == 8 or k == n - 1 then
      lines[#lines + 1] = "    " .. table.concat(row, ", ") .. (k == n - 1 and "" or ",")
      row = {}
    end
  end
  return table.concat(lines, "\n")
end

-- The baked weights of net plan p (net: the validated net) from the bytes
-- of weights file `path`: { file, size, packed, raw } for emit.net, or nil
-- and the list of messages (without the file name).
function M.bake(net, p, path, bytes)
  if not p.arena then
    return nil, { "weights are baked for N_forward, which needs the shapes file to be one chain (each " ..
      "layer's input the previous layer's output)" }
  end
  local f, errs = st_file.parse(bytes)
  if not f then return nil, errs end
  errs = M.check(net, f)
  if #errs > 0 then return nil, errs end
  local raw = M.raw(net, f)
  return { file = path, size = #bytes, packed = M.pack(p, raw), raw = raw }
end

return M
