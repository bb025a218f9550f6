-- run.lua - runs the Lua unit tests of the generator (gen/*.lua).
--
--   lua5.4 tests/lua/run.lua        (also luajit, lua5.1; from the repository root)
--
-- Every file listed in FILES returns a table of named test functions (see
-- harness.lua).  Files run in sorted order and the tests of a file in sorted
-- name order, so the output is the same on every interpreter.  One line per
-- failure, then the summary `lua: N passed, M failed`; exit status 1 when
-- anything failed.
local script = arg and arg[0] or "tests/lua/run.lua"
local dir = script:match("^(.*)[/\\][^/\\]*$") or "."
local root
if dir == "tests/lua" then
  root = "."
else
  root = dir:match("^(.*)[/\\]tests[/\\]lua$") or (dir .. "/../..")
end
package.path = root .. "/gen/?.lua;" .. dir .. "/?.lua;" .. package.path

-- The harness first: it records the real string library before any test.
local H = require("harness")

-- New test files must be added here (plain Lua cannot list a directory).
local FILES = {
  "test_arena",     -- arena.plan: N_forward's memory plan: lifetimes, skips, bound, overlap
  "test_axes",      -- axes.classes vs README dwconv / dwdeconv brute force
  "test_cindent",   -- cindent.indent: brace-depth indentation of generated C
  "test_deconv",    -- geom.deconv_axis: dwdeconv (adjoint) sizes, README dwdeconv
  "test_docs",      -- README and docs quote the golden files as they are
  "test_emit",      -- emit.lua: function comments and names, drivers, loops
  "test_geom",      -- geom.same / conv_out / conv_axis: README dwconv padding
  "test_onnx",      -- make import: protobuf, onnx.read, the mapping on tests/onnx/*.onnx
  "test_plan",      -- plan: depthwise passes, fusion decisions
  "test_sandbox",   -- sandbox.run: README sandbox
  "test_schema",    -- plan.SCHEMA: every stage field declared, set once by its step
  "test_shapes",    -- shapes.load: validation, defaults, chaining, messages
  "test_targets",   -- targets.resolve (native); report notes on scalar code
  "test_template",  -- template.lua: translation, interpolation, error lines
  "test_topology",  -- plan_pw.topology_sources vs README topology brute force
}

local _, failed = H.run(FILES)
io.stdout:flush()
if failed > 0 then os.exit(1) end
