-- test_targets.lua - TARGET=native resolution (gen/targets.lua resolve) and
-- the cost report's notes on code that is not SIMD code (gen/report.lua):
-- nothing falls back to scalar code without the report saying so.
local H = require("harness")
local plan = require("plan")
local report = require("report")
local shapes = require("shapes")
local targets = require("targets")
local explain = require("explain")

local T = {}

function T.native_picks_the_widest_isa_the_cpu_runs()
  local cases = {
    { { avx512f = true, avx2 = true, fma = true }, "avx512" },
    { { avx512f = true }, "avx512" },
    { { avx2 = true, fma = true }, "avx2" },
    { { avx2 = true }, "scalar" }, -- AVX2 without FMA: the avx2 target needs both
    { { fma = true }, "scalar" },
    { { neon = true }, "neon" },
    { {}, "scalar" },
  }
  for _, c in ipairs(cases) do
    local flags = {}
    for k in pairs(c[1]) do flags[#flags + 1] = k end
    table.sort(flags)
    local what = "native on {" .. table.concat(flags, ",") .. "}"
    local name = targets.resolve("native", c[1])
    local note = explain.native("native", name)
    H.eq(name, c[2], what)
    H.contains(note, "TARGET=native resolved to " .. c[2], what .. ": note")
  end
  H.eq(targets.resolve("native", nil), "scalar", "native without a cpu description")
  for _, t in ipairs({ "scalar", "avx2", "avx512", "neon" }) do
    local name = targets.resolve(t, { avx512f = true })
    local note = explain.native(t, name)
    H.eq(name, t, t .. " stays " .. t)
    H.eq(note, "", t .. ": no note")
  end
end

local function report_of(tname, src)
  local net, errs = shapes.load(src, "t.lua")
  H.ok(net, "shapes.load: " .. table.concat(errs or {}, "; "))
  return report.text(plan.net(net, tname, "auto"), "t.lua", "")
end

-- 9 channels (a 1-channel tail after two NEON vectors of 4) into 13 outputs
-- (one 12-output panel + a 1-channel tail): on NEON both tails are scalar
-- code and the report says so; AVX2 and AVX-512 mask them (no note).
function T.scalar_tails_are_reported()
  local src = "return { name = \"t\", input = { h = 6, w = 7, c = 9 }, layers = { " ..
    "{ name = \"l\", op = \"separable\", cout = 13 } } }"
  local neon = report_of("neon", src)
  H.contains(neon, "1 l: stage 1 (depthwise): its 1-channel tail is portable scalar code (neon has no " ..
    "masked loads)", "neon depthwise tail")
  H.contains(neon, "1 l: stage 2 (projection): its 1-channel tail panel is portable scalar code",
    "neon projection tail")
  for _, t in ipairs({ "avx2", "avx512" }) do
    local r = report_of(t, src)
    H.not_contains(r, "portable scalar code", t .. ": masked tails, no note")
  end
end

-- a depthwise deconvolution's tail is named as such
function T.deconv_tail_is_reported()
  local src = "return { name = \"t\", input = { h = 5, w = 5, c = 6 }, layers = { " ..
    "{ name = \"u\", op = \"dwdeconv\", k = 3, stride = 2 } } }"
  H.contains(report_of("neon", src), "1 u: stage 1 (depthwise deconvolution): its 2-channel tail is " ..
    "portable scalar code", "neon deconvolution tail")
end

return T
