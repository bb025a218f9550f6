-- fuzz.lua - the fuzzer's driver (tests/fuzz/run.sh runs it; README of
-- the fuzzer: tests/fuzz/README.md).
--
--   lua5.4 tests/fuzz/fuzz.lua [--seed N] [--seconds N] [--nets N] [--mutants-per-net K]
--       [--jobs J] [--targets "scalar avx2 ..."] [--neon-every K] [--max-layers N] [--max-code BYTES]
--       [--accepted-upto gen|cc|run|sancc|sanrun] [--shrink-seconds N] [--work DIR]
--       [--found DIR] [--no-shrink] [--no-examples] [--max-c BYTES] [--label TEXT]
--   lua5.4 tests/fuzz/fuzz.lua --regress FILE_OR_DIR... [--jobs J] [--work DIR]
--   lua5.4 tests/fuzz/fuzz.lua --reshrink FILE... [--shrink-seconds N]
--   lua5.4 tests/fuzz/fuzz.lua --print-net SEED INDEX | --print-mutant SEED INDEX
--
-- A round: valid nets from gen.lua (net i of seed S is always the same
-- file), each generated, compiled and run on every target of --targets
-- (neon on every K-th net), and K mutants per net from mutate.lua (mutant
-- j of seed S likewise), each of which the generator must reject cleanly
-- or, when it accepts it, generate code that compiles and runs (scalar).
-- Cases run --jobs at a time through case.sh.  A failure is shrunk
-- (shrink.lua) and saved as <found>/<kind>-<hash>.lua with a comment
-- header: how it was found, what failed, the message, its signature.  A
-- failure whose signature a file of tests/fuzz/pending/ already has is a
-- known bug: counted, not saved again, not a failure of the round; one
-- that a file of tests/fuzz/found/ has (a fixed bug) is a regression; one
-- seen before in the round is counted, not shrunk again.
-- The round ends after --nets nets or --seconds seconds, whichever comes
-- first, and prints the seed, the counts and the time.  Exit status 0
-- when nothing new failed, 1 otherwise, 2 on a usage error.
--
-- --regress runs saved cases as regression tests: a valid one (header
-- `-- fuzz: valid`) is generated, compiled and run on scalar and on the
-- target it failed on (when this machine runs it); an invalid one must be
-- rejected cleanly (or, if the generator now accepts it, compile and run).
-- --reshrink shrinks saved cases again (for longer: --shrink-seconds) and
-- replaces each by the smaller file, in the same directory.
-- luacheck: std lua54
local script = arg and arg[0] or "tests/fuzz/fuzz.lua"
local dir = script:match("^(.*)[/\\][^/\\]*$") or "."
local root = dir:match("^(.*)[/\\]tests[/\\]fuzz$") or (dir .. "/../..")
if dir == "tests/fuzz" then root = "." end
package.path = root .. "/gen/?.lua;" .. dir .. "/?.lua;" .. package.path

local lib = require("lib")
local gen = require("gen")
local mutate = require("mutate")
local shrink = require("shrink")
local sandbox = require("sandbox")

local CASE = dir .. "/case.sh"

-- A path as the user sees it: relative to the repository when inside it.
local function rel(path)
  local p = path:gsub("^" .. root:gsub("%p", "%%%0") .. "/", "")
  return (p:gsub("^%./", ""))
end
local STAGES = { gen = 1, cc = 2, run = 3, sancc = 4, sanrun = 5 }

local function die(msg)
  io.stderr:write("fuzz: " .. msg .. "\n")
  os.exit(2)
end

local function say(s)
  io.write(s, "\n")
  io.flush()
end

---------------------------------------------------------------- options

local o = {
  seconds = 600, jobs = 2, neon_every = 4, max_layers = 6, max_code = 200000, per_net = 5, accepted_upto = "run",
  shrink_seconds = 120, label = "make fuzz", work = (os.getenv("BUILD") or "build") .. "/fuzz", found = dir .. "/found",
  pending = dir .. "/pending", shrink = true, regress = {},
}
do
  local i = 1
  local function val(name)
    i = i + 1
    if arg[i] == nil then die(name .. " needs a value") end
    return arg[i]
  end
  local function int(name)
    local v = tonumber(val(name))
    if not v or v ~= math.floor(v) or v < 0 then die(name .. " needs a non-negative integer, got " .. arg[i]) end
    return math.tointeger(v)
  end
  while i <= #arg do
    local a = arg[i]
    if a == "--seed" then o.seed = int(a)
    elseif a == "--seconds" then o.seconds = int(a)
    elseif a == "--nets" then o.nets = int(a)
    elseif a == "--mutants-per-net" then o.per_net = int(a)
    elseif a == "--jobs" then o.jobs = math.max(1, int(a))
    elseif a == "--targets" then o.targets = val(a)
    elseif a == "--neon-every" then o.neon_every = int(a)
    elseif a == "--max-layers" then o.max_layers = math.max(1, int(a))
    elseif a == "--max-code" then o.max_code = int(a)
    elseif a == "--accepted-upto" then o.accepted_upto = val(a)
    elseif a == "--shrink-seconds" then o.shrink_seconds = int(a)
    elseif a == "--work" then o.work = val(a)
    elseif a == "--found" then o.found = val(a)
    elseif a == "--no-shrink" then o.shrink = false
    elseif a == "--no-examples" then o.no_examples = true
    elseif a == "--max-c" then o.max_c = int(a)
    elseif a == "--label" then o.label = val(a)
    elseif a == "--regress" then o.mode = "regress"
    elseif a == "--reshrink" then o.mode = "reshrink"
    elseif a == "--print-net" or a == "--print-mutant" then
      o.mode = a:sub(9)
      o.seed = int(a)
      o.index = int(a)
    elseif a:sub(1, 2) == "--" then die("unknown option " .. a)
    elseif o.mode == "regress" or o.mode == "reshrink" then o.regress[#o.regress + 1] = a
    else die("unexpected argument " .. a) end
    i = i + 1
  end
  if not STAGES[o.accepted_upto] then die("--accepted-upto: one of gen, cc, run, sancc, sanrun") end
end

---------------------------------------------------------------- sources

local function listdir(d, pattern)
  local r = {}
  local p = io.popen("ls -1 " .. lib.quote(d) .. " 2>/dev/null")
  if p then
    for f in p:lines() do if f:match(pattern or "%.lua$") then r[#r + 1] = d .. "/" .. f end end
    p:close()
  end
  table.sort(r)
  return r
end

-- The files mutants start from: every example and test net, without a
-- `-- sepgen-args:` line (a mutant of wnet.lua would not match its weights).
local SOURCES = {}
-- (--no-examples: not the MobileNets, whose accepted mutants take 5-20 s
-- to compile)
if not o.no_examples then
  for _, f in ipairs(listdir(root .. "/examples")) do SOURCES[#SOURCES + 1] = f end
end
for _, f in ipairs(listdir(root .. "/tests/nets")) do SOURCES[#SOURCES + 1] = f end

local function source_text(path)
  local t = lib.read(path) or ""
  return (t:gsub("%-%- sepgen%-args:[^\n]*\n", ""))
end

-- Mutant `index` of `seed`: from an example or test net, or (30%) from
-- the fuzzed net it goes with (net ceil(index / per_net)).
local function mutant(seed, index)
  local r = lib.rng(seed, "mutant", index)
  local text, from
  if r:chance(0.3) then
    local owner = math.max(1, math.ceil(index / math.max(1, o.per_net)))
    text = lib.shapes_text(gen.net(seed, owner, { max_layers = o.max_layers, max_code = o.max_code }).raw)
    from = "fuzzed net " .. owner
  else
    local src = r:pick(SOURCES)
    text, from = source_text(src), rel(src)
  end
  local m, what = mutate.mutant(text, r)
  return m, from, what
end

if o.mode == "net" then
  io.write(gen.net(o.seed, o.index, { max_layers = o.max_layers, max_code = o.max_code }).text)
  os.exit(0)
elseif o.mode == "mutant" then
  local m, from, what = mutant(o.seed, o.index)
  io.write("-- mutant " .. o.index .. " of seed " .. o.seed .. ": " .. from .. ": " .. what .. "\n" .. m)
  os.exit(0)
end

---------------------------------------------------------------- machine

local function have(cmd) return lib.sh("command -v " .. cmd .. " >/dev/null 2>&1") end

local function cpu_flags()
  local f = {}
  local info = lib.read(os.getenv("SG_CPUINFO") or "/proc/cpuinfo") or ""
  local flags = info:match("\nflags%s*:%s*([^\n]*)") or info:match("^flags%s*:%s*([^\n]*)") or ""
  for w in flags:gmatch("%S+") do f[w] = true end
  return f
end

-- Targets this machine runs: scalar; avx2, avx512 by /proc/cpuinfo; neon
-- with the cross compiler and qemu.
local function machine_targets()
  local t = { "scalar" }
  local f = cpu_flags()
  if f.avx2 and f.fma then t[#t + 1] = "avx2" end
  if f.avx512f then t[#t + 1] = "avx512" end
  if have("aarch64-linux-gnu-gcc") and have("qemu-aarch64") then t[#t + 1] = "neon" end
  return t
end

local RUNS = {}
for _, t in ipairs(machine_targets()) do RUNS[t] = true end
RUNS.native = true

---------------------------------------------------------------- cases

lib.sh("mkdir -p " .. lib.quote(o.work))
local WORK = io.popen("cd " .. lib.quote(o.work) .. " && pwd"):read("l")
local CACHE = WORK .. "/cache"
lib.sh("mkdir -p " .. lib.quote(CACHE))

-- The OUT every invalid case starts from: a generated net with a marker
-- appended to each file, a sentinel and an empty directory (as bad.sh).
local REFOUT = WORK .. "/ref/out"
local function make_refout()
  lib.sh("rm -rf " .. lib.quote(WORK .. "/ref"))
  local ok = lib.sh(table.concat({
    os.getenv("LUA") or "lua5.4", lib.quote(root .. "/gen/main.lua"), "--quiet --out", lib.quote(REFOUT),
    "--target scalar", lib.quote(root .. "/tests/nets/golden.lua"), ">/dev/null 2>&1" }, " "))
  if not ok then die("cannot generate tests/nets/golden.lua into " .. REFOUT) end
  lib.sh("find " .. lib.quote(REFOUT) .. " -type f -exec sh -c " ..
    lib.quote('for x; do printf "\\n/* fuzz: pre-existing copy */\\n" >>"$x"; done') .. " sh {} +")
  lib.write(REFOUT .. "/SENTINEL", "sentinel: the generator must not touch this\n")
  lib.sh("mkdir -p " .. lib.quote(REFOUT .. "/check/sub"))
end

-- run_cases(list): each { mode = "valid"|"invalid", file, target, dir, upto },
-- --jobs at a time; fills each with result fields.
local function run_cases(list)
  if #list == 0 then return end
  local jobs = WORK .. "/jobs.txt"
  local lines = {}
  for _, c in ipairs(list) do
    lib.sh("rm -rf " .. lib.quote(c.dir))
    if c.mode == "valid" then
      lines[#lines + 1] = table.concat({ "valid", lib.quote(c.file), c.target, lib.quote(c.dir),
        c.upto or "sanrun" }, " ")
    else
      lines[#lines + 1] = table.concat({ "invalid", lib.quote(c.file), lib.quote(c.dir), lib.quote(REFOUT),
        c.upto or o.accepted_upto }, " ")
    end
  end
  lib.write(jobs, table.concat(lines, "\n") .. "\n")
  lib.sh("FUZZ_CACHE=" .. lib.quote(CACHE) .. (o.max_c and (" FUZZ_MAX_C=" .. o.max_c) or "") ..
    " xargs -P " .. o.jobs .. " -L 1 sh " .. lib.quote(CASE) ..
    " <" .. lib.quote(jobs) .. " >/dev/null 2>&1")
  for _, c in ipairs(list) do
    local line = (lib.read(c.dir .. "/result") or ""):gsub("\n.*", "")
    local f = {}
    for x in (line .. "\t"):gmatch("([^\t]*)\t") do f[#f + 1] = x end
    if f[1] == "PASS" then
      c.pass, c.detail = true, f[2]
    else
      c.pass = false
      c.kind, c.sig, c.msg, c.log = f[2] or "case-broken", f[3] or "", f[4] or "case.sh wrote no result", f[5]
      if not f[1] or f[1] == "" then c.kind = "case-broken" end
    end
    c.accepted = c.mode == "invalid" and lib.read(c.dir .. "/valid/result") ~= nil
  end
end

local function stage_of(kind)
  if kind:match("^gen") or kind == "mkweights" then return "gen" end
  if kind:match("^san%-cc") then return "sancc" end
  if kind:match("cc%-") then return "cc" end
  if kind:match("^asan") or kind:match("^ubsan") or kind:match("^san%-") then return "sanrun" end
  return "run"
end

-- A failure's signature: its kind, case.sh's signature, and which code
-- family the target's kernels come from (templates/ or templates/simd/).
local function signature(c)
  local family = c.target == "scalar" and "scalar" or "simd"
  if c.kind:match("^mut") or c.kind:match("^gen") then family = "any" end
  return c.kind .. "|" .. (c.sig or "") .. "|" .. family
end

---------------------------------------------------------------- known findings

-- Signatures of the saved cases: found/ (fixed bugs: seeing one again is a
-- regression) and pending/ (open bugs: known).
local KNOWN = {}
local function load_known()
  for _, d in ipairs({ { o.pending, "pending" }, { o.found, "found" } }) do
    for _, f in ipairs(listdir(d[1])) do
      local h = lib.header(lib.read(f))
      if h.signature then KNOWN[h.signature] = { where = d[2], file = f } end
    end
  end
end

---------------------------------------------------------------- shrinking

local function header_lines(h)
  local r = {}
  for _, k in ipairs({ "fuzz", "found", "failed", "message", "signature", "sepgen-args", "fuzz-bake",
      "fuzz-target" }) do
    if h[k] and h[k] ~= "" then r[#r + 1] = k .. ": " .. h[k] end
  end
  return r
end

local function net_file_text(case, extra)
  local h = {}
  for k, v in pairs(extra or {}) do h[k] = v end
  h.fuzz = h.fuzz or "valid"
  h["sepgen-args"] = case.args
  h["fuzz-bake"] = case.bake and "yes" or nil
  return lib.shapes_text(case.raw, header_lines(h))
end

local shrink_count = 0

-- A test for the shrinkers: runs candidates (written by `write(cand, path)`)
-- as `mode` cases, --jobs at a time; the index of the first that fails
-- with `want`'s signature.
local function tester(want, mode, write, alive)
  local sdir = WORK .. "/shrink"
  return function(cands)
    for lo = 1, #cands, o.jobs do
      if not alive() then return nil end
      local list = {}
      for i = lo, math.min(#cands, lo + o.jobs - 1) do
        shrink_count = shrink_count + 1
        local d = sdir .. "/" .. (i - lo + 1)
        lib.sh("rm -rf " .. lib.quote(d) .. " && mkdir -p " .. lib.quote(d))
        local file = d .. "/" .. (want.basename or "case.lua")
        write(cands[i], file)
        list[#list + 1] = { mode = mode, file = file, target = want.target, dir = d .. "/run",
          upto = stage_of(want.kind), index = i }
      end
      run_cases(list)
      for _, c in ipairs(list) do
        if not c.pass and signature(c) == signature(want) then return c.index end
      end
    end
    return nil
  end
end

-- shrink_and_save(c): c is a failed case (its file, kind, sig...).
local function shrink_and_save(c, how)
  local t0 = os.time()
  local function alive() return os.time() - t0 < o.shrink_seconds end
  local text = lib.read(c.file) or ""
  local valid = c.mode == "valid" or c.accepted
  local body, before, after
  local h = {
    found = how, failed = c.kind .. " on " .. c.target, message = c.msg, signature = signature(c),
  }
  if valid then
    local ok, raw = sandbox.run(text, "case.lua")
    if not ok or type(raw) ~= "table" then return nil, "cannot reload the case" end
    local hd = lib.header(text)
    local case = { raw = raw, args = hd["sepgen-args"] or "", bake = hd["fuzz-bake"] == "yes" }
    if c.accepted then case.args, case.bake = "", false end
    before = #raw.layers
    if o.shrink then
      local test = tester(c, "valid", function(cand, path) lib.write(path, net_file_text(cand)) end, alive)
      case = shrink.net(case, test, alive, gen.check)
    end
    after = #case.raw.layers
    h.fuzz = "valid"
    h["fuzz-target"] = c.target
    body = function(hh) return net_file_text(case, hh) end
  else
    before = #text
    if o.shrink then
      local want = { kind = c.kind, sig = c.sig, target = "scalar", basename = c.file:match("[^/]*$") }
      local test = tester(want, "invalid", function(cand, path) lib.write(path, cand) end, alive)
      text = shrink.text(text, test, alive, mutate.lex)
    end
    after = #text
    h.fuzz = "invalid"
    body = function(hh)
      local ls = {}
      for _, l in ipairs(header_lines(hh)) do ls[#ls + 1] = "-- " .. l .. "\n" end
      return table.concat(ls) .. text
    end
  end
  h.found = how .. (valid and (", shrunk from " .. before .. " to " .. after .. " layers")
    or (", shrunk from " .. before .. " to " .. after .. " bytes"))
  local content = body(h)
  local hash = lib.hash((content:gsub("^%-%- found:[^\n]*\n", "")))
  lib.sh("mkdir -p " .. lib.quote(o.found))
  local path = o.found .. "/" .. c.kind .. "-" .. hash .. ".lua"
  lib.write(path, content)
  -- the saved file, run as the regression test will: its own message
  local v = { mode = valid and "valid" or "invalid", file = path, target = valid and c.target or "scalar",
    dir = WORK .. "/shrink/verify", upto = stage_of(c.kind) }
  run_cases({ v })
  if not v.pass and signature(v) == signature(c) then
    h.message = v.msg:gsub("%S*/out/", "out/"):gsub(WORK:gsub("%p", "%%%0"), "$BUILD/fuzz")
    lib.write(path, body(h))
    return path, os.time() - t0
  end
  h.message = c.msg .. " (the saved file does not reproduce it: " .. (v.pass and "it passes" or v.kind) .. ")"
  lib.write(path, body(h))
  return path, os.time() - t0
end

---------------------------------------------------------------- regress

local function regress(files)
  local list = {}
  for _, f in ipairs(files) do
    local h = lib.header(lib.read(f))
    local base = WORK .. "/regress/" .. f:match("([^/]*)%.lua$")
    if h.fuzz == "invalid" then
      list[#list + 1] = { mode = "invalid", file = f, dir = base .. "/invalid", target = "scalar", upto = "run" }
    else
      list[#list + 1] = { mode = "valid", file = f, target = "scalar", dir = base .. "/scalar" }
      local t = h["fuzz-target"]
      if t and t ~= "scalar" and RUNS[t] then
        list[#list + 1] = { mode = "valid", file = f, target = t, dir = base .. "/" .. t }
      end
    end
  end
  run_cases(list)
  local failed = 0
  for _, c in ipairs(list) do
    if c.pass then
      say("PASS fuzz regression " .. rel(c.file) .. " (" .. c.target .. "): " .. (c.detail or ""))
    else
      failed = failed + 1
      say("FAIL fuzz regression " .. rel(c.file) .. " (" .. c.target .. "): " .. c.kind .. ": " .. c.msg)
      if c.log and c.log ~= "" then say("    log: " .. c.log) end
    end
  end
  return failed
end

if o.mode == "regress" then
  make_refout()
  local files = {}
  for _, p in ipairs(o.regress) do
    if p:match("%.lua$") then files[#files + 1] = p else
      for _, f in ipairs(listdir(p)) do files[#files + 1] = f end
    end
  end
  local failed = regress(files)
  say(string.format("fuzz regressions: %d files, %d failed", #files, failed))
  os.exit(failed == 0 and 0 or 1)
end

if o.mode == "reshrink" then
  make_refout()
  local failed = 0
  for _, f in ipairs(o.regress) do
    local h = lib.header(lib.read(f))
    local valid = h.fuzz ~= "invalid"
    local c = { mode = valid and "valid" or "invalid", file = f, target = valid and h["fuzz-target"] or "scalar",
      dir = WORK .. "/reshrink/case" }
    run_cases({ c })
    if c.pass then
      say(rel(f) .. ": passes now (" .. (c.detail or "") .. "): left as it is")
    else
      c.mode = valid and "valid" or "invalid"
      o.found = f:match("^(.*)/[^/]*$") or "."
      local how = (h.found or "?"):gsub(", shrunk from .*$", "")
      local path, secs = shrink_and_save(c, how)
      if path and path ~= f then os.remove(f) end
      say(rel(f) .. " -> " .. tostring(path and rel(path)) .. " (" .. tostring(secs) .. " s)")
      failed = failed + 1
    end
  end
  os.exit(failed == 0 and 0 or 1)
end

---------------------------------------------------------------- the round

local seed = o.seed or (os.time() % 1000000)
local targets = {}
if o.targets then
  for t in o.targets:gmatch("%S+") do targets[#targets + 1] = t end
else
  for _, t in ipairs(machine_targets()) do targets[#targets + 1] = t end
end
local has_neon = false
for _, t in ipairs(targets) do if t == "neon" then has_neon = true end end
say(string.format("fuzz: seed %d, targets %s%s, %d jobs, %s", seed, table.concat(targets, " "),
  (has_neon and o.neon_every > 1) and " (neon every " .. o.neon_every .. "th net)" or "", o.jobs,
  (o.nets and (o.nets .. " nets or ") or "") .. o.seconds .. " s"))
make_refout()
load_known()
local t_start = os.time()
local stats = { nets = 0, layers = 0, cases = 0, mutants = 0, accepted = 0, rejected = 0, new = 0, known = 0,
  regressions = 0, ops = {} }
local findings = {}
local seen = {}

local function handle_failure(c, how)
  local sg = signature(c)
  if seen[sg] then
    seen[sg].count = seen[sg].count + 1
    return
  end
  seen[sg] = { count = 1 }
  local k = KNOWN[sg]
  if k and k.where == "pending" then
    stats.known = stats.known + 1
    say("KNOWN " .. c.kind .. " on " .. c.target .. " (" .. how .. "): " .. c.msg)
    say("    the open bug of " .. rel(k.file))
    return
  end
  say("FAIL " .. c.kind .. " on " .. c.target .. " (" .. how .. "): " .. c.msg)
  if k then
    stats.regressions = stats.regressions + 1
    say("    a regression? " .. rel(k.file) .. " (a fixed bug) has this signature")
  else
    stats.new = stats.new + 1
  end
  if c.log and c.log ~= "" then say("    log: " .. c.log) end
  local path, secs = shrink_and_save(c, how)
  if path then
    say("    shrunk in " .. secs .. " s: " .. rel(path))
  else
    say("    not saved: " .. tostring(secs))
  end
  findings[#findings + 1] = { file = path, c = c, how = how }
end

local net_index, mut_index = 0, 0
local last_note = t_start
local batch_nets = 2 * o.jobs
local function time_left() return os.time() - t_start < o.seconds end
while time_left() and (not o.nets or net_index < o.nets) do
  local list, nets = {}, {}
  for _ = 1, batch_nets do
    if o.nets and net_index >= o.nets then break end
    net_index = net_index + 1
    local net = gen.net(seed, net_index, { max_layers = o.max_layers, max_code = o.max_code, tag = o.label })
    net.index = net_index
    nets[#nets + 1] = net
    stats.nets = stats.nets + 1
    stats.layers = stats.layers + net.layers
    for _, L in ipairs(net.raw.layers) do stats.ops[L.op] = (stats.ops[L.op] or 0) + 1 end
    local ndir = WORK .. "/nets/" .. net_index
    lib.sh("mkdir -p " .. lib.quote(ndir))
    local file = ndir .. "/n" .. net_index .. ".lua"
    lib.write(file, net.text)
    for _, t in ipairs(targets) do
      if t ~= "neon" or (o.neon_every > 0 and net_index % o.neon_every == 0) then
        list[#list + 1] = { mode = "valid", file = file, target = t, dir = ndir .. "/" .. t,
          how = o.label .. " SEED=" .. seed .. ", net " .. net_index .. " (tests/fuzz/gen.lua)" }
      end
    end
  end
  for _ = 1, #nets * o.per_net do
    mut_index = mut_index + 1
    local text, from, what = mutant(seed, mut_index)
    local mdir = WORK .. "/mutants/" .. mut_index
    lib.sh("mkdir -p " .. lib.quote(mdir))
    local file = mdir .. "/m" .. mut_index .. ".lua"
    lib.write(file, text)
    list[#list + 1] = { mode = "invalid", file = file, target = "scalar", dir = mdir .. "/case",
      how = o.label .. " SEED=" .. seed .. ", mutant " .. mut_index .. " (" .. from .. ": " .. what .. ")" }
    stats.mutants = stats.mutants + 1
  end
  run_cases(list)
  stats.cases = stats.cases + #list
  for _, c in ipairs(list) do
    if c.mode == "invalid" then
      if c.accepted then
        stats.accepted = stats.accepted + 1
      elseif c.pass then
        stats.rejected = stats.rejected + 1
      end
    end
    if not c.pass then handle_failure(c, c.how) end
  end
  if os.time() - last_note >= 30 then
    last_note = os.time()
    say(string.format("  ... %d nets, %d mutants, %d s", stats.nets, stats.mutants, last_note - t_start))
  end
end

local secs = os.time() - t_start
local ops = {}
for _, op in ipairs({ "dwconv", "pwconv", "separable", "dwdeconv", "bottleneck", "conv", "pool", "fc", "se",
    "softmax" }) do
  ops[#ops + 1] = op .. " " .. (stats.ops[op] or 0)
end
say(string.format("fuzz: seed %d: %d nets (%d layers: %s) on %s, %d mutants (%d rejected cleanly, %d accepted), " ..
  "%d cases, %d shrink runs, %d s", seed, stats.nets, stats.layers, table.concat(ops, ", "),
  table.concat(targets, " "), stats.mutants, stats.rejected, stats.accepted, stats.cases, shrink_count, secs))
say(string.format("fuzz: %d new finding%s, %d known (tests/fuzz/pending/), %d regression%s; again: %s",
  stats.new, stats.new == 1 and "" or "s", stats.known, stats.regressions, stats.regressions == 1 and "" or "s",
  o.label == "make fuzz" and string.format("make fuzz SEED=%d NETS=%d", seed, stats.nets) or o.label))
for _, f in ipairs(findings) do
  local n = seen[signature(f.c)].count
  say("  " .. f.c.kind .. " on " .. f.c.target .. ": " .. (f.file and rel(f.file) or "not saved") ..
    (n > 1 and (" (" .. n .. " failing cases)") or ""))
end
os.exit((stats.new + stats.regressions) == 0 and 0 or 1)
