-- mutate.lua - *invalid* shapes files for the fuzzer: a good file (an
-- example, a test net, a fuzzed net) with one to three edits of its text:
-- numbers out of range, negative, fractional or huge; strings swapped for
-- other types or misspelled; op and field names renamed; required fields
-- deleted; unknown or misplaced fields inserted; residuals naming nothing,
-- a later layer or themselves; duplicate and reserved names; broken syntax;
-- hostile code for the sandbox.  Not every mutant is invalid: the fuzzer
-- holds an accepted one to what any valid net must do.
--
--   local mutate = require("mutate")
--   local text, what = mutate.mutant(source_text, rng)   -- what: the edits, for the log
--   local tokens = mutate.lex(text)                       -- for the shrinker
-- luacheck: std lua54
local M = {}

---------------------------------------------------------------- lexer

-- M.lex(text): tokens { kind, text, s, e } with kind "name", "number",
-- "string", "symbol"; comments and blanks are skipped (s, e: byte range).
-- Good enough for shapes files; anything it does not know is one "symbol".
function M.lex(text)
  local toks = {}
  local i, n = 1, #text
  local function add(kind, s, e) toks[#toks + 1] = { kind = kind, text = text:sub(s, e), s = s, e = e } end
  while i <= n do
    local c = text:sub(i, i)
    if c:match("%s") then
      i = i + 1
    elseif text:sub(i, i + 1) == "--" then
      local eq = text:match("^%-%-%[(=*)%[", i)
      if eq then
        local _, e = text:find("]" .. eq .. "]", i, true)
        i = (e or n) + 1
      else
        local e = text:find("\n", i, true)
        i = (e or n) + 1
      end
    elseif c:match("[%a_]") then
      local s, e = text:find("^[%w_]+", i)
      add("name", s, e)
      i = e + 1
    elseif c:match("%d") or (c == "." and text:sub(i + 1, i + 1):match("%d")) then
      local s, e = text:find("^0[xX][%x%.]+", i)
      if not s then s, e = text:find("^[%d%.]+[eE][%+%-]?%d+", i) end
      if not s then s, e = text:find("^[%d%.]+", i) end
      add("number", s, e)
      i = e + 1
    elseif c == '"' or c == "'" then
      local j = i + 1
      while j <= n do
        local d = text:sub(j, j)
        if d == "\\" then j = j + 2
        elseif d == c or d == "\n" then break
        else j = j + 1 end
      end
      add("string", i, math.min(j, n))
      i = j + 1
    elseif text:match("^%[=*%[", i) then
      local eq = text:match("^%[(=*)%[", i)
      local _, e = text:find("]" .. eq .. "]", i, true)
      add("string", i, e or n)
      i = (e or n) + 1
    else
      local three = text:sub(i, i + 2)
      local two = text:sub(i, i + 1)
      if three == "..." then add("symbol", i, i + 2); i = i + 3
      elseif two == "==" or two == "~=" or two == "<=" or two == ">=" or two == ".." or two == "::" then
        add("symbol", i, i + 1); i = i + 2
      else
        add("symbol", i, i); i = i + 1
      end
    end
  end
  return toks
end

---------------------------------------------------------------- edits

local FIELDS = {
  "name", "op", "input", "k", "stride", "dilation", "pad", "mult", "cout", "groups", "topology", "bias",
  "dw_act", "mid_act", "up_k", "out", "act", "residual", "type", "global", "count_pad", "reduce", "se_act",
  "gate", "layers", "grid_in", "grid_out", "window", "h", "w", "c", "min", "max",
}
local OPS = { "dwconv", "pwconv", "separable", "dwdeconv", "bottleneck", "conv", "pool", "fc", "se", "softmax" }
local BAD_NUMBERS = {
  "0", "-1", "-3", "1e9", "65537", "65536", "16385", "16384", "2147483648", "4294967296", "0.5", "2.5",
  "1/0", "-1/0", "0/0", "math.huge", "-math.huge", "1e308", "-0", "15", "16", "9", "64", "8", "100", "3.0",
  "0x10", "1e-300", '"3"', "true", "false", "{}", "{ 3 }", "{ 1, 2, 3 }", "nil", '"same"', "2^31",
}
local BAD_STRINGS = {
  '""', '" "', "1", "true", "{}", "nil", '"none"', '"relu"', '"same"', '"valid"', '"avg"', '"max"',
  '"pack"', '"forward"', '"layers"', '"sg_x"', '"sg"', '"9lives"', '"Ab"', '"a-b"', '"x*/y"', '"\\0"',
  '"' .. string.rep("n", 33) .. '"', '"hswish"', '"hsigmoid"', '"sigmoid"', '"relu7"', '"softmax"',
  '"dwconv"', '"conv"', '"fc"', '"se"', '"pool"', '"l1"', '"l2"', '"l999"', '"self"',
}
local INSERTS = {
  "zzz = 1", "Name = \"a\"", "k = 3", "mult = 2", "cout = 8", "groups = 2", "dilation = 2", "up_k = 3",
  "out = { h = 4, w = 4 }", "type = \"avg\"", "global = true", "count_pad = true", "reduce = 4",
  "se_act = \"relu\"", "gate = \"sigmoid\"", "dw_act = \"relu\"", "mid_act = \"relu\"", "pad = 1",
  "residual = true", "residual = \"nope\"", "residual = \"l1\"", "bias = 0", "input = { h = 4, w = 4, c = 4 }",
  "input = { h = 4, w = 4 }", "input = { h = 4, w = 4, c = 4, d = 1 }", "3", "\"x\"", "[1] = 2",
  "[\"op\"] = \"fc\"", "topology = { grid_in = { 2 }, grid_out = { 2 }, window = { 3 } }",
  "act = { min = 1, max = 0 }", "act = { lo = 0 }", "act = { min = 0/0 }", "stride = { 1, 2, 3 }",
  "k = { 3 }", "pad = { 1, 1, 1 }", "layers = {}",
}
local SYNTAX = { "{", "}", ",", "=", "\"", "[[", "end", "return", ")", "(", ".", "==", "--[[", "local", ";" }
-- Code run before `return`: the sandbox must stop each cleanly.
local PROLOGUES = {
  "while true do end", "local t = {} for i = 1, 1e9 do t[i] = i end", "error(\"boom\")", "error({})",
  "os.exit(0)", "io.open(\"/tmp/fuzz-hostile\", \"w\")", "local s = string.rep(\"x\", 2^30)",
  "local function f() return f() + 1 end f()", "setmetatable({}, {})", "require(\"os\")", "load(\"x = 1\")",
  "string.dump(print)", "collectgarbage()", "return nil", "return 42", "return \"net\"", "return {}",
  "local s = (\"x\"):rep(1e7)", "local t = {} for i = 1, 3e6 do t[i] = {} end", "debug.sethook()",
  "local t = {} t[t] = t", "local x = #nil", "return { name = \"a\", layers = { { op = \"fc\" } } }",
}

-- Replaces bytes s..e of text.
local function splice(text, s, e, new)
  return text:sub(1, s - 1) .. new .. text:sub(e + 1)
end

-- A value's extent from token i: up to its matching bracket, or itself.
local function value_end(toks, i)
  local t = toks[i]
  if not t then return nil end
  if t.text ~= "{" then
    -- a unary minus or an arithmetic expression: up to the next , } ;
    local j = i
    while toks[j + 1] and toks[j + 1].text ~= "," and toks[j + 1].text ~= "}" and toks[j + 1].text ~= ";" do
      j = j + 1
    end
    return j
  end
  local depth = 0
  for j = i, #toks do
    if toks[j].text == "{" then depth = depth + 1 elseif toks[j].text == "}" then depth = depth - 1 end
    if depth == 0 then return j end
  end
  return #toks
end

local function of_kind(toks, pred)
  local r = {}
  for i, t in ipairs(toks) do if pred(t, i) then r[#r + 1] = i end end
  return r
end

-- The entries of list (token indices) for which pred(token index) holds.
local function filter(list, pred)
  local r = {}
  for _, i in ipairs(list) do if pred(i) then r[#r + 1] = i end end
  return r
end

-- Field keys: a name followed by "=" inside a table.
local function keys(toks)
  return of_kind(toks, function(t, i)
    return t.kind == "name" and toks[i + 1] and toks[i + 1].text == "=" and toks[i - 1] and
      (toks[i - 1].text == "{" or toks[i - 1].text == "," or toks[i - 1].text == ";")
  end)
end

local function misspell(r, s)
  local x = r:int(1, 5)
  local p = r:int(1, math.max(1, #s))
  if x == 1 then return s:sub(1, p - 1) .. s:sub(p + 1) end                   -- drop a letter
  if x == 2 then return s:sub(1, p) .. s:sub(p, p) .. s:sub(p + 1) end        -- double one
  if x == 3 then return s:upper() end
  if x == 4 then return s .. "s" end
  return s:sub(1, p - 1) .. string.char(96 + r:int(1, 26)) .. s:sub(p + 1)   -- change one
end

-- The layer names in the text (name = "..." inside layers).
local function names(toks)
  local r = {}
  for _, i in ipairs(keys(toks)) do
    if toks[i].text == "name" and toks[i + 2] and toks[i + 2].kind == "string" then
      r[#r + 1] = toks[i + 2].text
    end
  end
  return r
end

-- Each edit: function(r, text, toks) -> new text, description (nil: does not apply).
local EDITS = {}

EDITS.number = function(r, text, toks)
  local ns = of_kind(toks, function(t) return t.kind == "number" end)
  if #ns == 0 then return nil end
  local i = r:pick(ns)
  local t = toks[i]
  local v = tonumber(t.text) or 1
  local new = r:chance(0.3) and tostring(math.floor(v * r:pick({ 2, 3, 10, 100, 1000, -1 }) + r:int(0, 1)))
    or r:pick(BAD_NUMBERS)
  return splice(text, t.s, t.e, new), "number " .. t.text .. " -> " .. new
end

EDITS.string = function(r, text, toks)
  local ss = of_kind(toks, function(t) return t.kind == "string" end)
  if #ss == 0 then return nil end
  local t = toks[r:pick(ss)]
  local new
  if r:chance(0.4) then
    new = '"' .. misspell(r, t.text:sub(2, -2)) .. '"'
  else
    new = r:pick(BAD_STRINGS)
  end
  return splice(text, t.s, t.e, new), "string " .. t.text .. " -> " .. new
end

EDITS.op = function(r, text, toks)
  local ks = filter(keys(toks), function(i) return toks[i].text == "op" end)
  if #ks == 0 then return nil end
  local t = toks[r:pick(ks) + 2]
  if not t then return nil end
  local new = '"' .. (r:chance(0.5) and r:pick(OPS) or misspell(r, r:pick(OPS))) .. '"'
  return splice(text, t.s, t.e, new), "op " .. t.text .. " -> " .. new
end

EDITS.rename = function(r, text, toks)
  local ks = keys(toks)
  if #ks == 0 then return nil end
  local t = toks[r:pick(ks)]
  local new = r:chance(0.5) and r:pick(FIELDS) or misspell(r, t.text)
  return splice(text, t.s, t.e, new), "field " .. t.text .. " -> " .. new
end

EDITS.delete = function(r, text, toks)
  local ks = keys(toks)
  if #ks == 0 then return nil end
  local i = r:pick(ks)
  local j = value_end(toks, i + 2)
  if not j then return nil end
  local e = toks[j].e
  if toks[j + 1] and toks[j + 1].text == "," then e = toks[j + 1].e end
  return splice(text, toks[i].s, e, ""), "delete " .. toks[i].text
end

EDITS.insert = function(r, text, toks)
  local bs = of_kind(toks, function(t) return t.text == "{" end)
  if #bs == 0 then return nil end
  local t = toks[r:pick(bs)]
  local new = r:pick(INSERTS)
  return splice(text, t.e + 1, t.e, " " .. new .. ","), "insert " .. new
end

EDITS.swap = function(r, text, toks)
  local ks = keys(toks)
  if #ks < 2 then return nil end
  local a, b = r:pick(ks), r:pick(ks)
  if a == b then return nil end
  if a > b then a, b = b, a end
  local ae, be = value_end(toks, a + 2), value_end(toks, b + 2)
  if not ae or not be or ae >= b then return nil end
  local va = text:sub(toks[a + 2].s, toks[ae].e)
  local vb = text:sub(toks[b + 2].s, toks[be].e)
  text = splice(text, toks[b + 2].s, toks[be].e, va)
  text = splice(text, toks[a + 2].s, toks[ae].e, vb)
  return text, "swap the values of " .. toks[a].text .. " and " .. toks[b].text
end

EDITS.residual = function(r, text, toks)
  local ops = filter(keys(toks), function(i) return toks[i].text == "op" end)
  if #ops == 0 then return nil end
  local t = toks[r:pick(ops)]
  local ns = names(toks)
  local target = r:chance(0.6) and #ns > 0 and r:pick(ns) or r:pick({ '"nope"', '"l1"', '"l99"', "1", "{}", '""' })
  local new = "residual = " .. target .. ", "
  return splice(text, t.s, t.s - 1, new), "insert " .. new
end

EDITS.name = function(r, text, toks)
  local ns = filter(keys(toks), function(i) return toks[i].text == "name" and toks[i + 2] ~= nil end)
  if #ns == 0 then return nil end
  local t = toks[r:pick(ns) + 2]
  local all = names(toks)
  local new = (#all > 0 and r:chance(0.5)) and r:pick(all) or r:pick(BAD_STRINGS)
  if r:chance(0.3) and #all > 0 then new = r:pick(all):gsub('"$', '_pack"') end
  if r:chance(0.2) and #all > 0 then new = r:pick(all):upper() end
  return splice(text, t.s, t.e, new), "name " .. t.text .. " -> " .. new
end

EDITS.syntax = function(r, text, toks)
  if #toks == 0 then return nil end
  local x = r:int(1, 4)
  local t = toks[r:int(1, #toks)]
  if x == 1 then return splice(text, t.s, t.e, ""), "delete token " .. t.text end
  if x == 2 then
    local new = r:pick(SYNTAX)
    return splice(text, t.s, t.s - 1, new .. " "), "insert token " .. new
  end
  if x == 3 then return text:sub(1, t.e), "truncate after " .. t.text end
  return splice(text, t.s, t.e, t.text .. " " .. t.text), "double token " .. t.text
end

EDITS.prologue = function(r, text, toks)
  local rets = of_kind(toks, function(t) return t.kind == "name" and t.text == "return" end)
  if #rets == 0 then return nil end
  local t = toks[rets[#rets]]
  local new = r:pick(PROLOGUES)
  return splice(text, t.s, t.s - 1, new .. "\n"), "code before return: " .. new
end

EDITS.layers = function(r, text, toks)
  local ls = filter(keys(toks), function(i) return toks[i].text == "layers" end)
  if #ls == 0 then return nil end
  local i = ls[1]
  local e = value_end(toks, i + 2)
  if not e then return nil end
  local new = r:pick({ "{}", "{ {} }", "\"layers\"", "{ [2] = { op = \"fc\", cout = 1 } }",
    "{ { op = \"softmax\" }, x = 1 }", "(function() local t = {} for i = 1, 4097 do t[i] = { op = \"softmax\" } end " ..
    "return t end)()" })
  return splice(text, toks[i + 2].s, toks[e].e, new), "layers = " .. new
end

local KINDS = {
  { 5, "number" }, { 4, "string" }, { 2, "op" }, { 3, "rename" }, { 4, "delete" }, { 3, "insert" },
  { 1, "swap" }, { 2, "residual" }, { 2, "name" }, { 2, "syntax" }, { 1, "prologue" }, { 1, "layers" },
}

-- M.mutant(text, r): the text with 1..3 edits, and what they were.
function M.mutant(text, r)
  local n = r:weighted({ { 6, 1 }, { 3, 2 }, { 1, 3 } })
  local what = {}
  for _ = 1, n do
    for _ = 1, 10 do
      local kind = r:weighted(KINDS)
      local new, desc = EDITS[kind](r, text, M.lex(text))
      if new and new ~= text then
        text = new
        what[#what + 1] = desc
        break
      end
    end
  end
  return text, table.concat(what, "; ")
end

return M
