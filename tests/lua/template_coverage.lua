-- template_coverage.lua NET.lua... - which lines of C text in the
-- templates the given nets never emit, on any target.  Every net is planned
-- and emitted (in memory) for scalar, avx2, avx512 and neon with the
-- options of its `-- sepgen-args:` line, with template.cover recording the
-- C lines that render (gen/template.lua).  A C text line never emitted is a
-- template path the nets do not reach: the golden files (tests/golden,
-- every test net and example) would not see a change there.
--
--   lua5.4 tests/lua/template_coverage.lua tests/nets/*.lua examples/*.lua
--
-- Prints each unreached line as template:line: text, then a summary; exit
-- status 1 when any C line is unreached.  Run from the repository root.
package.path = "gen/?.lua;" .. package.path
local shapes = require("shapes")
local plan = require("plan")
local emit = require("emit")
local template = require("template")
local weights = require("weights")

local hits = {}   -- template name -> { [line] = true }
template.cover = hits

local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end

local nets = 0
for _, file in ipairs(arg) do
  local text = read(file)
  local net, errs = shapes.load(text, file)
  if not net then error(file .. ": " .. table.concat(errs, "; ")) end
  local fuse = text:match("%-%- sepgen%-args:.*%-%-fuse (%a+)") or "auto"
  local wfile = text:match("%-%- sepgen%-args: .*%-%-weights (%S+)")
  local threads = tonumber(text:match("%-%- sepgen%-args:.*%-%-threads (%d+)") or "1")
  for _, tname in ipairs({ "scalar", "avx2", "avx512", "neon" }) do
    local p = plan.net(net, tname, fuse, threads)
    local baked
    if wfile then baked = assert(weights.bake(net, p, wfile, read(wfile))) end
    emit.net(p, file, "runtime", nil, baked)
  end
  nets = nets + 1
end

-- TARGET=native adds a note to the .c file's first comment: its text
-- depends on the build machine, so the golden files cannot record it; one
-- net emitted as native would resolve it covers that line here
do
  local file = "tests/nets/golden.lua"
  local net = assert(shapes.load(read(file), file))
  emit.net(plan.net(net, "scalar", "auto"), file, "runtime", require("explain").native("native", "scalar"))
end

-- every template file
local TEMPLATES = {}
local list = io.popen("find templates -name '*.in' | LC_ALL=C sort")
for path in list:lines() do TEMPLATES[#TEMPLATES + 1] = path:gsub("^templates/", "") end
list:close()

local missed, total = 0, 0
for _, name in ipairs(TEMPLATES) do
  local n = 0
  for line in (read("templates/" .. name)):gmatch("([^\n]*)\n") do
    n = n + 1
    local code = line:match("^%s*%$(.*)$")
    if not code or code:sub(1, 1) == "{" then
      total = total + 1
      if not (hits[name] and hits[name][n]) then
        missed = missed + 1
        io.write(string.format("%s:%d: %s\n", name, n, line))
      end
    end
  end
end
io.write(string.format("template coverage: %d nets x 4 targets (and one as TARGET=native) emit %d of the %d C " ..
  "lines of %d templates%s\n", nets, total - missed, total, #TEMPLATES,
  missed > 0 and (" (" .. missed .. " never emitted)") or ""))
if missed > 0 then os.exit(1) end
