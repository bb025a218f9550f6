-- targets.lua - what each target offers the planner: register budget,
-- vector width, the compiler flags its file needs, and the tile reasons.
local M = {}

M.scalar = {
  name = "scalar",
  cflags = "",
  vec = 1,
  -- depthwise: accumulators per channel tile
  dw_acc = 8,
  dw_reason = "8 accumulators: with the current weight and input they fit the 16-32 FP " ..
              "registers of scalar FPUs (Cortex-M4F/M7: 32 single-precision registers), and " ..
              "compilers vectorize the 8-wide tap statements where SIMD exists",
  -- projection: pixels x output channels per register tile
  pw_mr = 4,
  pw_nr = 4,
  pw_reason = "4 pixels x 4 channels = 16 accumulators + 4 inputs + 4 weights = 24 live " ..
              "values, inside a 32-register FPU; each weight load feeds 4 MACs and each " ..
              "input load 4 MACs",
  -- unrolled border code budget (generated lines per stage, beyond one interior)
  border_budget = 800,
}

M.list = { "scalar", "avx2", "avx512", "neon", "native" }

-- Maps a requested target to one with templates.  Returns name, note.
function M.resolve(t)
  if t == "scalar" then return "scalar", "" end
  if t == "native" then
    return "scalar", "TARGET=native: this version has no SIMD templates yet, so native " ..
      "means portable scalar C (compilers may auto-vectorize it)."
  end
  return nil, "no " .. t .. " templates in this version (use scalar or native)"
end

return M
