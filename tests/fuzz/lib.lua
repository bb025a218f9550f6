-- lib.lua - what the fuzzer's modules share: a seeded random generator that
-- gives the same numbers on every run, the printer of shapes tables, a
-- short hash, files and commands.
-- luacheck: std lua54
local files = require("files")

local M = {}

local floor = math.floor

---------------------------------------------------------------- random

-- Park-Miller "minimal standard" generator: exact in integers and in
-- doubles, so a seed gives the same sequence on every Lua.
local MOD = 2147483647
local Rng = {}
Rng.__index = Rng

-- M.rng(a, b, ...): a generator seeded from a list of integers or strings
-- (the run's seed, then what is drawn: "net", its index...).
function M.rng(...)
  local s = 20240531
  for _, v in ipairs({ ... }) do
    if type(v) == "string" then
      for i = 1, #v do s = (s * 31 + v:byte(i)) % MOD end
    else
      s = (s * 1000003 + floor(v) % MOD) % MOD
    end
    s = (s * 48271) % MOD
  end
  if s == 0 then s = 1 end
  local r = setmetatable({ s = s }, Rng)
  for _ = 1, 3 do r:next() end
  return r
end

function Rng:next()
  self.s = (self.s * 48271) % MOD
  return self.s
end

-- A uniform integer in lo..hi.
function Rng:int(lo, hi)
  if hi <= lo then return lo end
  return lo + floor(self:next() / MOD * (hi - lo + 1))
end

-- True with probability p.
function Rng:chance(p)
  return self:next() / MOD < p
end

function Rng:pick(t)
  return t[self:int(1, #t)]
end

-- Weighted choice: t = { {weight, value}, ... }.
function Rng:weighted(t)
  local total = 0
  for _, e in ipairs(t) do total = total + e[1] end
  local x = self:next() / MOD * total
  for _, e in ipairs(t) do
    x = x - e[1]
    if x < 0 then return e[2] end
  end
  return t[#t][2]
end

-- A generator for a sub-task, independent of how much this one drew later.
function Rng:fork(tag)
  return M.rng(self:next(), tag)
end

---------------------------------------------------------------- printing

-- The order fields are printed in (the README's table order); other keys
-- (a mutant's, say) follow in sorted order.
local ORDER = {
  "name", "op", "input", "type", "global", "k", "stride", "dilation", "pad", "mult", "cout", "groups",
  "topology", "grid_in", "grid_out", "window", "reduce", "se_act", "gate", "up_k", "out", "bias", "dw_act",
  "mid_act", "act", "count_pad", "residual", "h", "w", "c", "min", "max", "layers",
}
local RANK = {}
for i, k in ipairs(ORDER) do RANK[k] = i end

local function is_ident(k)
  return type(k) == "string" and k:match("^[%a_][%w_]*$") ~= nil
end

local function number_text(v)
  if math.type and math.type(v) == "integer" then return string.format("%d", v) end
  if v ~= v then return "0/0" end
  if v == math.huge then return "math.huge" end
  if v == -math.huge then return "-math.huge" end
  if v == floor(v) and math.abs(v) < 1e15 then return string.format("%.1f", v) end
  for digits = 6, 17 do               -- the shortest text that reads back the same
    local s = string.format("%." .. digits .. "g", v)
    if tonumber(s) == v then return s end
  end
  return string.format("%.17g", v)
end
M.number_text = number_text

local function sorted_keys(t)
  local n = #t
  local ks = {}
  for k in pairs(t) do
    if not (type(k) == "number" and k >= 1 and k <= n and k == floor(k)) then ks[#ks + 1] = k end
  end
  table.sort(ks, function(a, b)
    local ra, rb = RANK[a] or 1000, RANK[b] or 1000
    if ra ~= rb then return ra < rb end
    return tostring(a) < tostring(b)
  end)
  return ks, n
end

-- value_text(v, indent, depth): Lua source for a plain value.  Tables of
-- depth 2 (a layer) and deeper print on one line.
local function value_text(v, indent, depth)
  local t = type(v)
  if t == "number" then return number_text(v) end
  if t == "string" then return (string.format("%q", v):gsub("\\\n", "\\n")) end
  if t == "boolean" or t == "nil" then return tostring(v) end
  if t ~= "table" then error("cannot print a " .. t) end
  local ks, n = sorted_keys(v)
  local parts = {}
  for i = 1, n do parts[#parts + 1] = value_text(v[i], indent .. "  ", depth + 1) end
  for _, k in ipairs(ks) do
    local key = is_ident(k) and k or ("[" .. value_text(k, "", 9) .. "]")
    parts[#parts + 1] = key .. " = " .. value_text(v[k], indent .. "  ", depth + 1)
  end
  if #parts == 0 then return "{}" end
  if depth > 1 or (depth == 1 and not (n > 0 and type(v[1]) == "table")) then
    return "{ " .. table.concat(parts, ", ") .. " }"
  end
  return "{\n" .. indent .. "  " .. table.concat(parts, ",\n" .. indent .. "  ") .. ",\n" .. indent .. "}"
end

-- M.shapes_text(net, header): a shapes file returning `net`, after the
-- comment lines of `header` (a list of strings, each without "-- ").
function M.shapes_text(net, header)
  local lines = {}
  for _, h in ipairs(header or {}) do lines[#lines + 1] = "-- " .. h end
  lines[#lines + 1] = "return " .. value_text(net, "", 0)
  return table.concat(lines, "\n") .. "\n"
end

function M.copy(v)
  if type(v) ~= "table" then return v end
  local r = {}
  for k, x in pairs(v) do r[k] = M.copy(x) end
  return r
end

---------------------------------------------------------------- hash, files

-- FNV-1a, 32 bits, as 8 hex digits.
function M.hash(s)
  local h = 2166136261
  for i = 1, #s do
    h = h ~ s:byte(i)
    h = (h * 16777619) & 0xffffffff
  end
  return string.format("%08x", h)
end

M.read = files.read

function M.write(path, text)
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
end

function M.quote(s)
  return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end

-- M.sh(cmd): runs a shell command; true when it exits 0.
function M.sh(cmd)
  local ok = os.execute(cmd)
  return ok == true or ok == 0
end

-- M.lines(path): the lines of a file (empty list when it is missing).
function M.lines(path)
  local r = {}
  local text = M.read(path)
  if text then for l in text:gmatch("[^\n]*") do r[#r + 1] = l end end
  while #r > 0 and r[#r] == "" do r[#r] = nil end
  return r
end

-- The comment header of a file: its leading `-- key: value` lines.
function M.header(text)
  local h = {}
  for line in (text or ""):gmatch("[^\n]*") do
    local k, v = line:match("^%-%- ([%w_-]+): ?(.*)$")
    if not k then
      if not line:match("^%-%-") then break end
    elseif h[k] == nil then
      h[k] = v
    end
  end
  return h
end

return M
