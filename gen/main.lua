-- main.lua - the command line of sepgen; with import.lua the only module
-- that touches package.path and exit codes (files through files.lua).
--
--   lua gen/main.lua [--out DIR] [--target TARGET] [--fuse auto|always|never]
--                    [--optimize speed|memory|size] [--threads N] [--weights FILE.safetensors] [--quiet]
--                    SHAPES.lua
--
-- Exit status: 0 success, 2 bad shapes file, weights file or usage, 1
-- internal error.
local script = arg and arg[0] or "gen/main.lua"
local gendir = script:match("^(.*)[/\\][^/\\]*$") or "."
local root = gendir:match("^(.*)[/\\][^/\\]*$") or "."
if gendir == "." then root = ".." end
package.path = gendir .. "/?.lua;" .. package.path

local shapes = require("shapes")
local plan = require("plan")
local emit = require("emit")
local report = require("report")
local targets = require("targets")
local explain = require("explain")
local weights = require("weights")
local files = require("files")

local function usage(msg)
  io.stderr:write("sepgen: " .. msg .. "\n" ..
    "usage: lua gen/main.lua [--out DIR] [--target scalar|avx2|avx512|neon|native] " ..
    "[--fuse auto|always|never] [--optimize speed|memory|size] [--threads N] [--weights FILE.safetensors] [--quiet] " ..
    "SHAPES.lua\n")
  os.exit(2)
end

local read_file, mkdir_p = files.read, files.mkdir_p

-- Writes path only when its bytes change; via a temporary file and rename.
-- A file that cannot be written is the user's error (exit 2), not ours.
local function write_if_changed(path, text)
  if read_file(path) == text then return false end
  local tmp = path .. ".tmp"
  local f, err = io.open(tmp, "wb")
  local ok = f and f:write(text) and f:close()
  if ok then ok, err = os.rename(tmp, path) end
  if not ok then
    os.remove(tmp)
    io.stderr:write("sepgen: cannot write " .. path .. ": " .. tostring(err) .. "\n")
    os.exit(2)
  end
  return true
end

-- What the build machine runs, for TARGET=native.
local function cpu_features()
  local f = {}
  local info = read_file("/proc/cpuinfo") or ""
  local flags = info:match("\nflags%s*:%s*([^\n]*)") or info:match("^flags%s*:%s*([^\n]*)") or ""
  for w in flags:gmatch("%S+") do f[w] = true end
  local feats = info:match("\nFeatures%s*:%s*([^\n]*)") or ""
  for w in feats:gmatch("%S+") do if w == "asimd" then f.neon = true end end
  return f
end

-- The command line: { out, target, fuse, optimize, threads, wfile, quiet, file };
-- usage errors exit 2.
local function parse_args(argv)
  local o = { out = "out", target = "native", optimize = "speed", threads = "1", quiet = false }
  local function value(name, i, what)
    local v = argv[i + 1]
    if not v or v == "" then usage(name .. " needs " .. what) end
    return v
  end
  local i = 1
  while i <= #argv do
    local a = argv[i]
    local k, v = a:match("^%-%-(%a+)=(.*)$")
    if k == "out" or k == "target" or k == "fuse" or k == "optimize" or k == "threads" or k == "weights" then
      o[k == "weights" and "wfile" or k] = v
    elseif a == "--out" then o.out = value(a, i, "a directory"); i = i + 1
    elseif a == "--target" then o.target = value(a, i, "a target"); i = i + 1
    elseif a == "--fuse" then o.fuse = value(a, i, "auto, always or never"); i = i + 1
    elseif a == "--optimize" then o.optimize = value(a, i, "speed, memory or size"); i = i + 1
    elseif a == "--threads" then o.threads = value(a, i, "a number of threads (1..64)"); i = i + 1
    elseif a == "--weights" then o.wfile = value(a, i, "a safetensors file"); i = i + 1
    elseif a == "--quiet" then o.quiet = true
    elseif a:sub(1, 1) == "-" then usage("unknown option " .. a)
    elseif o.file then usage("more than one shapes file")
    else o.file = a end
    i = i + 1
  end
  if not o.file then
    -- `--out net.lua` (an empty OUT= on make's line): the shapes file was
    -- taken for the directory
    if o.out:match("%.lua$") then usage("--out needs a directory; '" .. o.out .. "' looks like the shapes file") end
    usage("no shapes file given")
  end
  if o.out == "" then usage("--out needs a directory") end
  local known = false
  for _, t in ipairs(targets.list) do if t == o.target then known = true end end
  if not known then usage("unknown target " .. tostring(o.target) .. " (scalar, avx2, avx512, neon, native)") end
  if o.optimize ~= "speed" and o.optimize ~= "memory" and o.optimize ~= "size" then
    usage("unknown --optimize " .. tostring(o.optimize) .. " (speed, memory, size)")
  end
  -- N_MAX_THREADS: the arena holds a band buffer per worker of each split layer
  local n = tonumber(o.threads)
  if not (n and n == math.floor(n) and n >= 1 and n <= 64 and o.threads:match("^%d+$")) then
    usage("--threads needs a whole number of threads from 1 to 64, got '" .. tostring(o.threads) .. "'")
  end
  o.threads = math.floor(n)
  -- --optimize memory fuses every separable layer (its band replaces the
  -- whole intermediate); an explicit --fuse wins
  o.fuse = o.fuse or (o.optimize == "memory" and "always" or "auto")
  if o.fuse ~= "auto" and o.fuse ~= "always" and o.fuse ~= "never" then
    usage("unknown --fuse " .. tostring(o.fuse) .. " (auto, always, never)")
  end
  return o
end

local function main(argv)
  local o = parse_args(argv)
  local out, target, fuse, quiet, file, optimize, wfile = o.out, o.target, o.fuse, o.quiet, o.file, o.optimize, o.wfile
  local threads = o.threads

  local text = read_file(file)
  if not text then
    io.stderr:write(file .. ": cannot read the shapes file\n")
    os.exit(2)
  end
  local net, errors = shapes.load(text, file)
  if not net then
    for _, e in ipairs(errors) do io.stderr:write(e .. "\n") end
    os.exit(2)
  end
  local resolved = targets.resolve(target, target == "native" and cpu_features() or nil)
  local note = explain.native(target, resolved)
  local p = plan.net(net, resolved, fuse, threads, optimize == "size" and "size" or nil)
  local baked
  if wfile then
    local function fail(msgs)
      for _, m in ipairs(msgs) do io.stderr:write(wfile .. ": " .. m .. "\n") end
      os.exit(2)
    end
    local bytes = read_file(wfile)
    if not bytes then fail({ "cannot read the weights file" }) end
    local errs
    baked, errs = weights.bake(net, p, wfile, bytes)
    if not baked then fail(errs) end
  end
  emit.template_dir = root .. "/templates"
  local rendered = emit.net(p, file, root .. "/runtime", note, baked)
  for _, w in ipairs(report.size_warnings(rendered, #net.layers)) do io.stderr:write("sepgen: " .. w .. "\n") end
  -- everything is rendered: only now touch OUT
  if not mkdir_p(out .. "/check") then
    io.stderr:write("sepgen: --out " .. out .. ": cannot create the directory " .. out .. "/check (is " ..
      out .. " a file, or not writable?)\n")
    os.exit(2)
  end
  local changed = 0
  for _, f in ipairs(rendered) do
    if write_if_changed(out .. "/" .. f[1], f[2]) then changed = changed + 1 end
  end
  -- weights baked by an earlier run no longer match this header: remove them
  local stale = out .. "/" .. net.name .. "_weights.c"
  if not baked and read_file(stale) then
    os.remove(stale)
    changed = changed + 1
    if not quiet then io.write("removed " .. stale .. " (baked by an earlier run; no --weights this time)\n") end
  end
  if not quiet then
    local alt = plan.net(net, resolved, optimize == "memory" and "auto" or "always", threads).arena
    -- the code-size figure: lines of the generated kernels, and with
    -- --optimize size those the default plan would write
    local code = { lines = report.kernel_lines(rendered, net.name) }
    if optimize == "size" then
      local sp = plan.net(net, resolved, fuse, threads)
      code.speed_lines = report.kernel_lines(emit.net(sp, file, root .. "/runtime", note, baked), net.name)
    end
    io.write(report.text(p, file, note, optimize, alt, code))
    io.write(string.format("wrote %s/%s.{h,c}%s and %s/check/ (%d file%s changed)\n", out, net.name,
      baked and (", " .. out .. "/" .. net.name .. "_weights.c") or "", out, changed, changed == 1 and "" or "s"))
  end
end

local ok, err = xpcall(function() main(arg) end, debug.traceback)
if not ok then
  io.stderr:write("sepgen: internal error (please report): " .. tostring(err) .. "\n")
  os.exit(1)
end
