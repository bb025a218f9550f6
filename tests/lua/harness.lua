-- harness.lua - the tiny assertion library of the Lua unit tests.
--
-- A test file returns a table of named test functions.  A test fails when it
-- raises an error; the helpers below raise errors whose message starts with
-- the test file's position ("test_geom.lua:42: ...") and says what was
-- expected and what was found.  Portable across Lua 5.1, 5.4 and LuaJIT.
local H = {}

local unpack = unpack or table.unpack   -- luacheck: ignore 143
H.unpack = unpack

-- The real string functions and metatable, taken before any test (or the
-- sandbox) runs, so that tests can check that nothing replaced them.
H.real = {
  string_rep = string.rep,
  string_index = getmetatable("").__index,
  string_table = string,
  jit_status = rawget(_G, "jit") and rawget(_G, "jit").status() or nil,
}

---------------------------------------------------------------- printing

local function sorted_keys(t)
  local ks = {}
  for k in pairs(t) do ks[#ks + 1] = k end
  table.sort(ks, function(a, b)
    local ta, tb = type(a), type(b)
    if ta ~= tb then return ta < tb end
    if ta == "number" or ta == "string" then return a < b end
    return tostring(a) < tostring(b)
  end)
  return ks
end

-- A string as a printable, single-line Lua literal (the same on every
-- interpreter, unlike %q): control and non-ASCII bytes become \ddd.
local function quote(s)
  return '"' .. s:gsub('[%c"\\\128-\255]', function(c)
    if c == '"' then return '\\"' end
    if c == "\\" then return "\\\\" end
    if c == "\n" then return "\\n" end
    return string.format("\\%03d", c:byte())
  end) .. '"'
end
H.quote = quote

-- Deterministic text for any value (sorted keys, quoted strings).
local function repr(v, depth)
  depth = depth or 0
  local t = type(v)
  if t == "string" then return quote(v) end
  if t == "number" then
    if v ~= v then return "nan" end
    if v == math.floor(v) and v > -1e15 and v < 1e15 then return string.format("%.0f", v) end
    return string.format("%.17g", v)
  end
  if t ~= "table" then return tostring(v) end
  if depth > 6 then return "{...}" end
  local parts = {}
  local n = #v
  for i = 1, n do parts[#parts + 1] = repr(v[i], depth + 1) end
  for _, k in ipairs(sorted_keys(v)) do
    if not (type(k) == "number" and k >= 1 and k <= n and k == math.floor(k)) then
      local ks = (type(k) == "string" and k:match("^[%a_][%w_]*$")) and k or ("[" .. repr(k) .. "]")
      parts[#parts + 1] = ks .. " = " .. repr(v[k], depth + 1)
    end
  end
  return "{" .. table.concat(parts, ", ") .. "}"
end
H.repr = repr

---------------------------------------------------------------- failing

-- Position of the failing check: the innermost Lua frame outside this file,
-- and, when that is a helper, the line of the test function that called it
-- ("test_x.lua:40 (from test_x.lua:212): ").
local function where()
  local frames = {}
  for level = 3, 40 do
    local info = debug.getinfo(level, "Sl")
    if not info then break end
    local src = info.short_src or "?"
    local mine = src:match("harness%.lua$") ~= nil
    if mine and #frames > 0 then break end      -- reached H.run: above the test
    if not mine and info.what ~= "C" and info.currentline and info.currentline > 0 then
      frames[#frames + 1] = src:match("([^/\\]+)$") .. ":" .. info.currentline
    end
  end
  if #frames == 0 then return "" end
  if #frames == 1 then return frames[1] .. ": " end
  return frames[1] .. " (from " .. frames[#frames] .. "): "
end

-- `what` may be a string or a function returning one (built only on failure).
local function describe(what)
  if type(what) == "function" then what = what() end
  if what == nil or what == "" then return "" end
  return tostring(what) .. ": "
end

function H.fail(msg)
  error(where() .. tostring(msg), 0)
end

function H.ok(cond, what)
  if not cond then error(where() .. describe(what) .. "expected a true condition", 0) end
  return cond
end

local function deep_eq(a, b, seen)
  if a == b then return true end
  if type(a) ~= "table" or type(b) ~= "table" then return false end
  seen = seen or {}
  if seen[a] == b then return true end
  seen[a] = b
  for k, v in pairs(a) do
    if not deep_eq(v, b[k], seen) then return false end
  end
  for k in pairs(b) do
    if a[k] == nil then return false end
  end
  return true
end
H.deep_eq = deep_eq

-- Deep equality (tables by contents, numbers by ==).
function H.eq(got, want, what)
  if not deep_eq(got, want) then
    error(where() .. describe(what) .. "expected " .. repr(want) .. ", got " .. repr(got), 0)
  end
end

function H.ne(got, unwanted, what)
  if deep_eq(got, unwanted) then
    error(where() .. describe(what) .. "expected anything but " .. repr(unwanted), 0)
  end
end

-- `s` is a string containing `sub` (plain text, not a pattern).
function H.contains(s, sub, what)
  if type(s) ~= "string" or not s:find(sub, 1, true) then
    error(where() .. describe(what) .. "expected a string containing " .. repr(sub) ..
          ", got " .. repr(s), 0)
  end
end

function H.not_contains(s, sub, what)
  if type(s) ~= "string" or s:find(sub, 1, true) then
    error(where() .. describe(what) .. "expected a string without " .. repr(sub) ..
          ", got " .. repr(s), 0)
  end
end

-- Integer-valued number that prints as an integer on every interpreter:
-- tostring gives no ".0" and %d accepts it.
function H.is_int(v, what)
  local okfmt = type(v) == "number" and v == math.floor(v) and
                pcall(string.format, "%d", v) and tostring(v) == string.format("%d", v)
  if not okfmt then
    error(where() .. describe(what) .. "expected an integer, got " .. repr(v) ..
          " (tostring " .. tostring(v) .. ")", 0)
  end
  if math.type and math.type(v) ~= "integer" then         -- luacheck: ignore 143
    error(where() .. describe(what) .. "expected a Lua integer, got the float " .. tostring(v), 0)
  end
end

---------------------------------------------------------------- numbers

-- Integer arithmetic that is exact on every interpreter (no //).
function H.idiv(a, b) return math.floor(a / b) end
function H.imod(a, b) return a - math.floor(a / b) * b end
function H.ceil_div(a, b) return -math.floor(-a / b) end

-- A deterministic pseudo-random sequence (Park-Miller; exact in doubles),
-- the same on every interpreter, unlike math.random.
function H.rng(seed)
  local x = seed or 12345
  return function(lo, hi)
    x = (x * 16807) % 2147483647
    return lo + x % (hi - lo + 1)
  end
end

---------------------------------------------------------------- running

---------------------------------------------------------------- files

-- The contents of the file at `path` (from the repository root), or nil.
function H.read(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("*a")
  f:close()
  return s
end

-- The paths `find ARGS` prints (from the repository root), sorted.
function H.find(args)
  local t = {}
  local p = assert(io.popen("find " .. args .. " | LC_ALL=C sort"))
  for line in p:lines() do t[#t + 1] = line end
  p:close()
  return t
end

-- The lines of `text` (each ended by a newline), as a list.
function H.lines(text)
  local t = {}
  for l in text:gmatch("([^\n]*)\n") do t[#t + 1] = l end
  return t
end

-- Runs the test files `names` (module names, run in sorted order; each test
-- of a file in sorted name order).  Prints one line per failure and the
-- summary line; returns passed, failed.
function H.run(names, out)
  out = out or io.write
  local files = {}
  for i, n in ipairs(names) do files[i] = n end
  table.sort(files)
  local passed, failed = 0, 0
  for _, mod in ipairs(files) do
    local okload, tests = pcall(require, mod)
    if not okload or type(tests) ~= "table" then
      failed = failed + 1
      local msg = tostring(okload and ("returned " .. type(tests)) or tests)
      out("FAIL " .. mod .. " (loading): " .. msg:gsub("%s*\n%s*", " | ") .. "\n")
    else
      local tnames = {}
      for k, v in pairs(tests) do
        if type(k) == "string" and type(v) == "function" then tnames[#tnames + 1] = k end
      end
      table.sort(tnames)
      for _, tn in ipairs(tnames) do
        local ok, err = pcall(tests[tn])
        if ok then
          passed = passed + 1
        else
          failed = failed + 1
          local msg = type(err) == "string" and err or ("error value " .. repr(err))
          msg = msg:gsub("%s*\n%s*", " | ")    -- one line per failure
          out("FAIL " .. mod .. "." .. tn .. ": " .. msg .. "\n")
        end
      end
    end
  end
  out("lua: " .. passed .. " passed, " .. failed .. " failed\n")
  return passed, failed
end

return H
