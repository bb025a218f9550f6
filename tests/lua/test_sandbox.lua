-- test_sandbox.lua - sandbox.run(text, name) against README "The shapes file": only
-- math, table (insert, remove, concat, sort), string (no dump; rep limited
-- to 1 MiB results), pairs, ipairs, next, select, type, tostring, tonumber,
-- error, assert and unpack; no io, os, require, load, dofile, debug,
-- setmetatable, getmetatable, rawset; stopped after 10 million VM
-- instructions.  The caller's string metatable must come back intact.
local H = require("harness")
local sandbox = require("sandbox")

local T = {}

local function run(text) return sandbox.run(text, "net.lua") end

-- The caller's world after any run: real string methods, no hook, JIT as before.
local function assert_restored(what)
  local mt = getmetatable("")
  H.ok(mt.__index == H.real.string_index, what .. ": string metatable __index restored")
  H.ok(string.rep == H.real.string_rep, what .. ": string.rep is the real one")
  H.eq(("x"):rep(3), "xxx", what .. ": (\"x\"):rep(3) after the run")
  -- the real rep has no 1 MiB limit
  H.eq(#(("ab"):rep(600 * 1024)), 1200 * 1024, what .. ": real rep beyond 1 MiB after the run")
  H.eq(debug.gethook(), nil, what .. ": debug hook removed")
  local jit = rawget(_G, "jit")
  if jit then H.eq(jit.status(), H.real.jit_status, what .. ": LuaJIT compiler state") end
end

local FORBIDDEN = { "os", "io", "require", "load", "dofile", "debug", "setmetatable",
                    "getmetatable", "rawset", "loadstring", "rawget", "_G", "collectgarbage",
                    "pcall", "xpcall", "print", "setfenv", "getfenv", "coroutine", "rawequal",
                    "package", "module", "newproxy" }

function T.forbidden_globals_are_errors()
  for _, name in ipairs(FORBIDDEN) do
    local ok, msg = run("local x = " .. name .. "\nreturn { x = x }")
    H.eq(ok, false, name .. " must not be available")
    H.contains(msg, name, "error for " .. name)
    H.contains(msg, "not available", "error for " .. name)
  end
  assert_restored("after forbidden globals")
end

function T.forbidden_calls_never_run()
  -- the call itself fails: nothing is executed or returned
  local cases = {
    'os.execute("touch /tmp/sepgen_sandbox_escape")',
    'io.open("/tmp/sepgen_sandbox_escape", "w")',
    'require("os")',
    'load("return 1")()',
    'dofile("/etc/passwd")',
    'debug.sethook()',
    'setmetatable({}, {})',
    'getmetatable("").__index.rep = nil',
    'rawset({}, 1, 1)',
  }
  for _, c in ipairs(cases) do
    local ok, msg = run(c .. "\nreturn {}")
    H.eq(ok, false, c)
    H.contains(msg, (c:match("^(%a+)")), c)
  end
  assert_restored("after forbidden calls")
end

function T.string_dump_refused()
  local ok, msg = run('return string.dump(function() end)')
  H.eq(ok, false, "string.dump")
  H.contains(msg, "dump", "string.dump")
  ok, msg = run('return ("x"):dump()')
  H.eq(ok, false, "(\"x\"):dump()")
  H.contains(msg, "dump", "(\"x\"):dump()")
  ok = run('local s = "x"; local f = s.dump; return f(function() end)')
  H.eq(ok, false, "s.dump")
  assert_restored("after dump")
end

function T.string_rep_limit()
  local ok, v = run('return string.rep("x", 1000)')
  H.eq(ok, true, "string.rep 1000 bytes")
  H.eq(v, H.real.string_rep("x", 1000), "string.rep 1000 bytes value")
  ok, v = run('return ("ab"):rep(500)')
  H.eq({ ok, type(v) == "string" and #v }, { true, 1000 }, "(\"ab\"):rep(500)")
  ok, v = run('return #string.rep("x", 1048576)')
  H.eq({ ok, v }, { true, 1048576 }, "exactly 1 MiB is within the limit")
  local cases = {
    'return string.rep("x", 1048577)',
    'return ("x"):rep(1048577)',
    'return string.rep("abcd", 300000)',
    'return ("abcd"):rep(2^40)',
    'local s = "x"; return s:rep(2^31)',
    'return string.rep("x", 1e300)',
  }
  for _, c in ipairs(cases) do
    local ok2, msg = run(c)
    H.eq(ok2, false, c)
    H.contains(msg, "rep", c)
  end
  assert_restored("after rep")
end

function T.endless_loop_stops()
  local t0 = os.clock()
  local ok, msg = run("while true do end")
  local dt = os.clock() - t0
  H.eq(ok, false, "while true do end")
  H.contains(msg, "instruction", "while true do end")
  H.ok(dt < 5, "stopped after " .. string.format("%.2f", dt) .. " s (limit 5 s)")
  -- a loop that calls functions, and one in a nested function
  ok, msg = run("local function f() return 1 end\nlocal n = 0\nwhile true do n = n + f() end")
  H.eq(ok, false, "loop with calls")
  H.contains(msg, "instruction", "loop with calls")
  ok, msg = run("local function spin() repeat until false end\nspin()\nreturn {}")
  H.eq(ok, false, "repeat until false")
  H.contains(msg, "instruction", "repeat until false")
  H.ok(os.clock() - t0 < 10, "three endless loops stopped within 10 s")
  assert_restored("after the instruction limit")
end

function T.allowed_functions_work()
  local src = [[
local t = {}
for i = 1, 5 do table.insert(t, 6 - i) end
table.insert(t, 1, 9)
table.sort(t)
local removed = table.remove(t)
local keys = {}
for k in pairs({ a = 1, b = 2 }) do keys[#keys + 1] = k end
table.sort(keys)
local sum = 0
for _, v in ipairs(t) do sum = sum + v end
local a, b = unpack({ 7, 8 })
assert(type(next) == "function")
assert(next({}) == nil, "next of an empty table")
return {
  floor = math.floor(3.7), max = math.max(1, 4, 2), huge = math.huge > 1e308,
  list = table.concat(t, ","), removed = removed, keys = table.concat(keys),
  sum = sum, fmt = string.format("%d-%s-%.2f", 3, "x", 0.5),
  count = select("#", 1, 2, 3), second = select(2, "a", "b", "c"),
  ab = a + b, str = tostring(12), num = tonumber("0x10"), ty = type({}),
  up = ("abc"):upper(), sub = string.sub("hello", 2, 3), len = #("x"):rep(3),
  gsub = (string.gsub("a-b", "-", "+")), find = (("hello"):find("ll")),
}
]]
  local ok, v = run(src)
  H.eq(ok, true, "running the allowed functions: " .. tostring(v))
  H.eq(v, {
    floor = 3, max = 4, huge = true, list = "1,2,3,4,5", removed = 9, keys = "ab", sum = 15,
    fmt = "3-x-0.50", count = 3, second = "b", ab = 15, str = "12", num = 16, ty = "table",
    up = "ABC", sub = "el", len = 3, gsub = "a+b", find = 3,
  }, "results inside the sandbox")
  assert_restored("after allowed functions")
end

function T.error_and_assert_report_the_message()
  local ok, msg = run('error("boom")')
  H.eq(ok, false, "error(\"boom\")")
  H.contains(msg, "boom", "error(\"boom\")")
  ok, msg = run('assert(1 == 2, "one is not two")')
  H.eq(ok, false, "assert")
  H.contains(msg, "one is not two", "assert")
  ok, msg = run('error({})')
  H.eq(ok, false, "error({})")
  H.eq(type(msg), "string", "error with a table value gives a string message")
  H.ok(not msg:find("0x%x+"), "no address in the message (not deterministic): " .. msg)
  assert_restored("after errors")
end

function T.syntax_error_and_bytecode()
  local ok, msg = run("return {")
  H.eq(ok, false, "syntax error")
  H.contains(msg, "net.lua", "syntax error names the file")
  ok, msg = run("\27Lua")
  H.eq(ok, false, "binary chunk")
  H.eq(type(msg), "string", "binary chunk message")
  -- real bytecode (which could corrupt the VM) is refused, not run
  local bc = string.dump(function() return { name = "x" } end)
  ok, msg = run(bc)
  H.eq(ok, false, "precompiled chunk")
  H.eq(type(msg), "string", "precompiled chunk message")
end

function T.returns_the_value()
  local ok, v = run('local n = 4\nreturn { name = "x", layers = { { op = "dwconv", k = n - 1 } } }')
  H.eq(ok, true, "run")
  H.eq(v, { name = "x", layers = { { op = "dwconv", k = 3 } } }, "returned table")
end

function T.sandbox_cannot_change_the_callers_strings()
  -- the file may scribble on its own string table; the caller's is untouched
  local ok = run('string.rep = nil; string.format = nil; local s = string; s.upper = nil\nreturn {}')
  H.eq(ok, true, "replacing fields of the sandbox's string table")
  H.ok(type(string.format) == "function" and type(string.upper) == "function", "caller's string table")
  H.eq(("abc"):upper(), "ABC", "caller's string methods")
  assert_restored("after scribbling")
  -- a second run gets a fresh string library
  local ok2, v = run('return ("y"):rep(2)')
  H.eq({ ok2, v }, { true, "yy" }, "second run")
end

function T.jit_state_restored()
  local jit = rawget(_G, "jit")
  if not jit then return end                  -- PUC Lua: nothing to check
  H.eq(H.real.jit_status, true, "LuaJIT starts with the compiler on")
  run("return {}")
  H.eq(jit.status(), true, "jit.status() after a run")
  run("while true do end")
  H.eq(jit.status(), true, "jit.status() after a stopped run")
end

return T
