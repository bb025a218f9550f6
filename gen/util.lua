-- util.lua - the few helpers every stage shares: number formatting for C
-- text, integer arithmetic that behaves the same on Lua 5.1, 5.4 and LuaJIT.
local M = {}

local floor = math.floor

-- Integer division and modulo on integral numbers (no // operator in 5.1).
function M.idiv(a, b) return floor(a / b) end
function M.imod(a, b) return a - floor(a / b) * b end
function M.ceil_div(a, b) return floor((a + b - 1) / b) end

function M.gcd(a, b)
  while b ~= 0 do a, b = b, a - floor(a / b) * b end
  return a
end

-- The one formatter for integers in C text: refuses non-integers, so a
-- planning bug shows up as an error instead of "3.0" in generated code.
function M.int(v)
  if type(v) ~= "number" or v ~= v or floor(v) ~= v then
    error("internal: not an integer: " .. tostring(v), 2)
  end
  if v >= -2147483648 and v <= 2147483647 then
    return string.format("%d", v)
  end
  -- larger values (MAC counts): exact up to 2^53, printed without exponent
  return string.format("%.0f", v)
end

-- Floats in C text: %.9e round-trips float32; "f" suffix.
function M.flt(v)
  if v ~= v or v == math.huge or v == -math.huge then
    error("internal: not a finite float: " .. tostring(v), 2)
  end
  if v == 0 then return "0.0f" end
  return string.format("%.9e", v) .. "f"
end

-- v >= 0 with n decimals, rounding halves up.  string.format("%.1f") is
-- not used for text we emit: C's printf rounds exact halves to even and
-- LuaJIT's formatter does not, so 62.5 would print differently.
function M.fixed(v, n)
  local scale = 10 ^ n
  local x = floor(v * scale + 0.5)
  if n == 0 then return M.int(x) end
  local ip = floor(x / scale)
  local fp = M.int(x - ip * scale)
  return M.int(ip) .. "." .. string.rep("0", n - #fp) .. fp
end

-- User text (a file path) inside a generated C comment: the one way it
-- gets there.  Control and non-ASCII bytes become '?', and the pairs that
-- would end the comment, open a nested one (-Wcomment) or form a trigraph
-- (a "??/" line splice) are broken apart, so a path like "x*/ int y; /*"
-- stays text.
function M.comment(s)
  s = s:gsub("[%c\128-\255]", "?"):gsub("%*/", "* /"):gsub("/%*", "/ *")
  local n
  repeat s, n = s:gsub("%?%?", "?-?") until n == 0
  return s
end

-- User text inside a generated C string literal: backslash, quote and '?'
-- (trigraphs) escaped, control and non-ASCII bytes as octal escapes.
function M.cstring(s)
  return (s:gsub('[\\"?%c\128-\255]', function(c)
    if c == "\\" or c == '"' or c == "?" then return "\\" .. c end
    return string.format("\\%03o", c:byte())
  end))
end

-- Human-readable counts for reports: 1234567 -> "1.23M".
function M.human(v)
  if v >= 1e9 then return M.fixed(v / 1e9, 2) .. "G" end
  if v >= 1e6 then return M.fixed(v / 1e6, 2) .. "M" end
  if v >= 1e4 then return M.fixed(v / 1e3, 1) .. "k" end
  return M.int(v)
end

function M.copy(t)
  local r = {}
  for k, v in pairs(t) do r[k] = v end
  return r
end

function M.map(t, f)
  local r = {}
  for i = 1, #t do r[i] = f(t[i], i) end
  return r
end

-- A list of integers as C text: "1, 2, 3".
function M.ilist(t)
  return table.concat(M.map(t, M.int), ", ")
end

function M.product(t)
  local p = 1
  for i = 1, #t do p = p * t[i] end
  return p
end

return M
