-- sandbox.lua - runs a shapes file with only what Lua 5.1, 5.4 and LuaJIT
-- share (README "The shapes file"), an instruction budget and a memory cap.
local M = {}

M.MAX_INSTRUCTIONS = 10000000
M.MAX_MEMORY_KB = 256 * 1024
M.MAX_REP = 1024 * 1024          -- string.rep result, bytes
M.MAX_CONCAT = 64 * 1024 * 1024  -- table.concat result, bytes
local HOOK_EVERY = 100

local unpack = unpack or table.unpack    -- luacheck: ignore 143
local loadstring = loadstring or load    -- luacheck: ignore 143

local function safe_rep(s, n, sep)
  s = tostring(s)
  sep = sep ~= nil and tostring(sep) or ""
  n = tonumber(n) or 0
  if n >= 1 then
    local size = #s * n + #sep * (n - 1)
    if size > M.MAX_REP then
      error("string.rep: result of " .. string.format("%.0f", size) ..
            " bytes is over the sandbox limit of 1 MiB", 2)
    end
  end
  return string.rep(s, n, sep)
end

local function safe_concat(t, sep, i, j)
  sep = sep or ""
  i = i or 1
  j = j or #t
  local size = 0
  for k = i, j do
    local v = t[k]
    if type(v) == "string" or type(v) == "number" then size = size + #tostring(v) + #sep end
    if size > M.MAX_CONCAT then
      error("table.concat: result is over the sandbox limit of 64 MiB", 2)
    end
  end
  return table.concat(t, sep, i, j)
end

local function safe_gsub(s, pat, repl, n)
  local tr = type(repl)
  if tr == "string" or tr == "number" then
    local est = (#tostring(s) + 1) * (#tostring(repl) + 1)
    if est > M.MAX_CONCAT then
      error("string.gsub: result may exceed the sandbox limit of 64 MiB", 2)
    end
  end
  return string.gsub(s, pat, repl, n)
end

local function make_string_lib()
  local s = {}
  local names = { "byte", "char", "find", "format", "gmatch", "len", "lower",
                  "match", "reverse", "sub", "upper" }
  for _, k in ipairs(names) do s[k] = string[k] end
  s.rep = safe_rep
  s.gsub = safe_gsub
  s.dump = function() error("string.dump is not available in the shapes-file sandbox", 2) end
  return s
end

local function make_env(strlib)
  local mathlib = {}
  for _, k in ipairs({ "abs", "ceil", "cos", "deg", "exp", "floor", "fmod", "huge",
                       "log", "max", "min", "modf", "pi", "rad", "sin", "sqrt", "tan" }) do
    mathlib[k] = math[k]
  end
  local env = {
    math = mathlib,
    table = { insert = table.insert, remove = table.remove, concat = safe_concat,
              sort = table.sort },
    string = strlib,
    pairs = pairs, ipairs = ipairs, next = next, select = select, type = type,
    tostring = tostring, tonumber = tonumber, error = error, assert = assert,
    unpack = unpack,
  }
  return setmetatable(env, {
    __index = function(_, k)
      error("'" .. tostring(k) .. "' is not available in the shapes-file sandbox", 2)
    end,
  })
end

-- Runs `text` (chunk name `name`).  Returns true, value or false, message.
function M.run(text, name)
  if type(text) ~= "string" then return false, "cannot read the file" end
  if text:sub(1, 1) == "\27" then return false, "precompiled chunks are not accepted" end
  local chunk, err = loadstring(text, "=" .. name)
  if not chunk then
    err = tostring(err)
    local where, rest = err:match("^(.-:%d+): (.*)$")
    if where then return false, where .. ": syntax error: " .. rest end
    return false, "syntax error: " .. err
  end
  local strlib = make_string_lib()
  local env = make_env(strlib)
  if setfenv then setfenv(chunk, env) end     -- luacheck: ignore 143
  if not setfenv then                         -- luacheck: ignore 143
    chunk = load(text, "=" .. name, "t", env)
  end
  local strmeta = getmetatable("")
  local saved_index = strmeta.__index
  local count = 0
  local function hook()
    count = count + HOOK_EVERY
    if count > M.MAX_INSTRUCTIONS then
      error("stopped after 10 million VM instructions (instruction limit; an endless loop?)", 2)
    end
    if collectgarbage("count") > M.MAX_MEMORY_KB then
      error("stopped: the memory limit of 256 MiB was exceeded", 0)
    end
  end
  local jit_on = rawget(_G, "jit") and jit.status()   -- luacheck: ignore 143
  if jit_on then jit.off(); jit.flush() end           -- luacheck: ignore 143
  strmeta.__index = strlib
  debug.sethook(hook, "", HOOK_EVERY)
  -- a stack overflow says so with its line on every Lua (LuaJIT's message
  -- has no position: the traceback gives the innermost line of the file)
  local function handler(e)
    if type(e) ~= "string" or not e:find("stack overflow", 1, true) then return e end
    local quoted = name:gsub("[%^%$%(%)%%%.%[%]%*%+%-%?]", "%%%0")
    local line = e:match("^" .. quoted .. ":(%d+):") or debug.traceback("", 2):match(quoted .. ":(%d+):")
    return (line and (name .. ":" .. line .. ": ") or "") .. "recursion too deep (stack overflow)"
  end
  local ok, value = xpcall(chunk, handler)
  debug.sethook()
  strmeta.__index = saved_index
  if jit_on then jit.on() end                         -- luacheck: ignore 143
  collectgarbage("collect")
  if not ok then
    local msg = tostring(value)
    if type(value) ~= "string" then msg = "error raised with a " .. type(value) .. " value" end
    return false, msg
  end
  return true, value
end

return M
