-- shrink.lua - delta debugging for the fuzzer's failing cases.
--
-- Both shrinkers take `test(list)`: it runs a list of candidates (in
-- parallel, as the caller likes) and returns the index of the first one
-- that still fails the same way, or nil; and `alive()`: false once the
-- time for this case is up.
--
--   shrink.net(case, test, alive, check) -> smaller case
--       case = { raw = <shapes table>, args = "--fuse always" or "", bake = bool };
--       check(raw) is the validator (the resolved net or nil): only valid
--       candidates are tried.  Drops layers (a layer whose predecessor goes
--       gets its input as its own `input`), then fields, then moves numbers
--       toward small values and pairs to scalars, then the options.
--   shrink.text(text, test, alive, lex) -> smaller text
--       for a file that must be rejected: drops lines, then tokens.
-- luacheck: std lua54
local lib = require("lib")

local M = {}

local floor = math.floor

-- Tries the candidates; applies the first that fails.  Returns it or nil.
local function first(cands, test)
  if #cands == 0 then return nil end
  local i = test(cands)
  return i and cands[i] or nil
end

---------------------------------------------------------------- nets

local function clone(case)
  return { raw = lib.copy(case.raw), args = case.args, bake = case.bake }
end

-- The shape layer i reads, from the resolved net.
local function input_of(net, i)
  local L = net.layers[i]
  return { h = L.H, w = L.W, c = L.C }
end

-- Removes layers lo..hi; the next layer keeps its input shape (its own
-- `input`), and residuals naming a removed layer go.
local function without_layers(case, net, lo, hi)
  local c = clone(case)
  local layers = c.raw.layers
  local n = #layers
  if hi - lo + 1 >= n then return nil end
  local gone = {}
  for i = lo, hi do gone[layers[i].name or ("l" .. i)] = true end
  local keep = {}
  for i = 1, n do
    if i < lo or i > hi then
      local L = layers[i]
      if i == hi + 1 and L.input == nil and net.layers[i] then L.input = input_of(net, i) end
      keep[#keep + 1] = L
    end
  end
  -- default names l<i> shift with the indices: give the kept ones theirs
  for j, L in ipairs(keep) do
    local old
    for i = 1, n do if layers[i] == L then old = i end end
    if L.name == nil and old ~= j then L.name = "l" .. old end
  end
  for _, L in ipairs(keep) do
    if type(L.residual) == "string" and gone[L.residual] then L.residual = nil end
  end
  c.raw.layers = keep
  return c
end

-- Smaller values to try for a number, smallest first.
local function smaller(v)
  local r, seen = {}, {}
  local function add(x)
    if x < v and not seen[x] then seen[x] = true; r[#r + 1] = x end
  end
  if math.type(v) == "float" and v == floor(v) and math.abs(v) < 2 ^ 53 then
    r[#r + 1] = math.tointeger(v)
    seen[v] = true
  end
  if v > 0 then
    add(0); add(1); add(2); add(3)
    add(floor(v / 2)); add(floor(v) - 1)
  elseif v < 0 then
    r[#r + 1] = 0
    if v ~= -1 then r[#r + 1] = -1 end
  end
  return r
end

-- Every path to a number in a layer: { key } or { key, subkey }.
local function number_paths(L)
  local paths = {}
  local keys = {}
  for k in pairs(L) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  for _, k in ipairs(keys) do
    local v = L[k]
    if type(v) == "number" then
      paths[#paths + 1] = { k }
    elseif type(v) == "table" then
      local sub = {}
      for s in pairs(v) do sub[#sub + 1] = s end
      table.sort(sub, function(a, b) return tostring(a) < tostring(b) end)
      for _, s in ipairs(sub) do
        if type(v[s]) == "number" then paths[#paths + 1] = { k, s } end
        if type(v[s]) == "table" then
          for t = 1, #v[s] do
            if type(v[s][t]) == "number" then paths[#paths + 1] = { k, s, t } end
          end
        end
      end
    end
  end
  return paths
end

local function get(t, path)
  for _, p in ipairs(path) do t = t[p] end
  return t
end
local function set(t, path, v)
  for i = 1, #path - 1 do t = t[path[i]] end
  t[path[#path]] = v
end

-- Candidates for one layer's fields: drop each, then simpler forms.
local function field_cands(case, i, L)
  local cands = {}
  local keys = {}
  for k in pairs(L) do if k ~= "op" then keys[#keys + 1] = k end end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  for _, k in ipairs(keys) do
    local c = clone(case)
    c.raw.layers[i][k] = nil
    cands[#cands + 1] = c
  end
  for _, k in ipairs(keys) do
    local v = L[k]
    if type(v) == "table" and #v == 2 and type(v[1]) == "number" then
      for _, x in ipairs({ v[1], v[2] }) do
        local c = clone(case)
        c.raw.layers[i][k] = x
        cands[#cands + 1] = c
      end
    elseif type(v) == "table" and (k == "act" or k == "dw_act" or k == "mid_act" or k == "se_act") then
      local c = clone(case)
      c.raw.layers[i][k] = "relu"
      cands[#cands + 1] = c
    elseif type(v) == "table" and k == "pad" then
      for _, x in ipairs({ 0, "valid", "same" }) do
        local c = clone(case)
        c.raw.layers[i][k] = x
        cands[#cands + 1] = c
      end
    end
  end
  return cands
end

function M.net(case, test, alive, check)
  local function valid(list)
    local r = {}
    for _, c in ipairs(list) do if c and check(c.raw) then r[#r + 1] = c end end
    return r
  end
  local progress = true
  while progress and alive() do
    progress = false
    -- 1. layers, in chunks from half the net down to one
    local n = #case.raw.layers
    local size = floor(n / 2)
    if size < 1 then size = 1 end
    while size >= 1 and alive() and #case.raw.layers > 1 do
      local net = check(case.raw)
      local cands = {}
      for lo = 1, #case.raw.layers - size + 1, size do
        cands[#cands + 1] = without_layers(case, net, lo, lo + size - 1)
      end
      local got = first(valid(cands), test)
      if got then
        case, progress = got, true
      else
        size = floor(size / 2)
      end
    end
    -- 2. the net's own input when the first layer has its own
    if case.raw.input and case.raw.layers[1].input then
      local c = clone(case)
      c.raw.input = nil
      local got = first(valid({ c }), test)
      if got then case, progress = got, true end
    end
    -- the net's name, when a plain one does too
    if case.raw.name ~= "net" then
      local c = clone(case)
      c.raw.name = "net"
      local got = first(valid({ c }), test)
      if got then case, progress = got, true end
    end
    -- 3. fields and their simpler forms, layer by layer
    for i = 1, #case.raw.layers do
      local again = true
      while again and alive() do
        again = false
        local got = first(valid(field_cands(case, i, case.raw.layers[i])), test)
        if got then case, progress, again = got, true, true end
      end
    end
    -- 4. numbers toward small values (the net's input too)
    local function numbers(holder_of)
      local paths = number_paths(holder_of(case.raw))
      for _, path in ipairs(paths) do
        if not alive() then return end
        local v = get(holder_of(case.raw), path)
        local cands = {}
        for _, x in ipairs(smaller(v)) do
          local c = clone(case)
          set(holder_of(c.raw), path, x)
          cands[#cands + 1] = c
        end
        local got = first(valid(cands), test)
        if got then case, progress = got, true end
      end
    end
    numbers(function(raw) return raw end)
    for i = 1, #case.raw.layers do numbers(function(raw) return raw.layers[i] end) end
    -- 5. the options
    if case.args ~= "" or case.bake then
      local cands = {}
      if case.args ~= "" then local c = clone(case); c.args = ""; cands[#cands + 1] = c end
      if case.bake then local c = clone(case); c.bake = false; cands[#cands + 1] = c end
      local got = first(cands, test)
      if got then case, progress = got, true end
    end
  end
  return case
end

---------------------------------------------------------------- text

-- ddmin-like: remove chunks of `items` (halves down to single items).
local function reduce(items, join, test, alive)
  local size = floor(#items / 2)
  if size < 1 then size = 1 end
  while size >= 1 and alive() and #items > 1 do
    local cands, sets = {}, {}
    for lo = 1, #items, size do
      local keep = {}
      for j = 1, #items do
        if j < lo or j >= lo + size then keep[#keep + 1] = items[j] end
      end
      if #keep > 0 then
        cands[#cands + 1] = join(keep)
        sets[#sets + 1] = keep
      end
    end
    local i = #cands > 0 and test(cands) or nil
    if i then
      items = sets[i]
      if size > #items then size = floor(#items / 2) end
      if size < 1 then size = 1 end
    else
      size = floor(size / 2)
    end
  end
  return items
end

function M.text(text, test, alive, lex)
  local lines = {}
  for l in (text .. "\n"):gmatch("([^\n]*)\n") do lines[#lines + 1] = l end
  local function join_lines(ls) return table.concat(ls, "\n") .. "\n" end
  lines = reduce(lines, join_lines, test, alive)
  text = join_lines(lines)
  -- then tokens (their text, joined by single spaces, newlines kept)
  local toks = lex(text)
  local items = {}
  for _, t in ipairs(toks) do
    local line = select(2, text:sub(1, t.s):gsub("\n", ""))
    items[#items + 1] = { text = t.text, line = line }
  end
  local function join_toks(ts)
    local out, line = {}, nil
    for _, t in ipairs(ts) do
      if line and t.line ~= line then out[#out + 1] = "\n" elseif line then out[#out + 1] = " " end
      out[#out + 1] = t.text
      line = t.line
    end
    return table.concat(out) .. "\n"
  end
  -- only when the token form keeps the failure (comments go, so may it)
  if alive() and test({ join_toks(items) }) then
    items = reduce(items, join_toks, test, alive)
    text = join_toks(items)
  end
  return text
end

return M
