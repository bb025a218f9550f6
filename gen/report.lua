-- report.lua - the cost report `make gen` prints: per layer op, shapes,
-- MACs, parameters and the reduction against a standard k x k convolution
-- with the same input and output channels (the factorization's claim).
local util = require("util")
local explain = require("explain")

local M = {}

-- Generated code files above this size get a warning on stderr: compilers
-- take minutes and gigabytes on them (a net of the maximum 4096 separable
-- layers writes about 144 MB of C on avx512, in about three minutes).
M.WARN_BYTES = 16 * 2 ^ 20

-- Warnings for the rendered files ({ name, text } pairs) of a net of n
-- layers: code files larger than M.WARN_BYTES (baked weights are data
-- and are as large as they must be).
function M.size_warnings(files, n)
  local w = {}
  for _, f in ipairs(files) do
    if #f[2] > M.WARN_BYTES and not f[1]:match("_weights%.c$") then
      w[#w + 1] = string.format("warning: %s is %s MB of C for %d layers; a compiler may need minutes and " ..
        "gigabytes for it (split the net into several shapes files?)", f[1], util.fixed(#f[2] / 1e6, 1), n)
    end
  end
  return w
end

local function shape(h, w, c) return util.int(h) .. "x" .. util.int(w) .. "x" .. util.int(c) end

local function kernel(L)
  if L.op == "pwconv" then return "1x1" end
  if L.op == "pool" and L.global then return "global" end
  if L.op == "fc" or L.op == "se" or L.op == "softmax" then return "-" end
  local s = util.int(L.kh) .. "x" .. util.int(L.kw)
  if L.sh > 1 or L.sw > 1 then
    s = s .. "/" .. (L.sh == L.sw and util.int(L.sh) or (util.int(L.sh) .. "," .. util.int(L.sw)))
  end
  return s
end

-- The lines of <name>.c among emit.net's rendered files: the code-size
-- figure of the report (kernels, packing and N_forward; baked weights are
-- in <name>_weights.c).
function M.kernel_lines(rendered, name)
  for _, f in ipairs(rendered) do
    if f[1] == name .. ".c" then
      local _, n = f[2]:gsub("\n", "")
      return n
    end
  end
  return 0
end

-- p: the net plan; optimize: "speed", "memory" or "size"; alt: the arena
-- plan of the other --optimize mode (or nil); code: { lines, speed_lines }
-- (kernel_lines of this plan, and of --optimize speed's with size), or nil.
function M.text(p, file, note, optimize, alt, code)
  local rows = {}
  local a = p.arena
  local function row(...) rows[#rows + 1] = { ... } end
  row("#", "layer", "op", "k/s", "input", "output", "MACs", "params", "std conv MACs", "reduction",
    a and "live" or nil)
  for i, lp in ipairs(p.layers) do
    local L = lp.L
    row(util.int(i), L.name, L.op, kernel(L), shape(L.H, L.W, L.C), shape(L.OH, L.OW, L.OC),
        util.human(lp.macs), util.human(lp.params), util.human(lp.std_macs),
        util.fixed(lp.std_macs / lp.macs, 1) .. "x", a and explain.mem(a.live[i].floats) or nil)
  end
  row("", "total", "", "", "", "", util.human(p.macs), util.human(p.params), util.human(p.std_macs),
      util.fixed(p.std_macs / p.macs, 1) .. "x", a and "" or nil)
  local widths = {}
  for _, r in ipairs(rows) do
    for j, c in ipairs(r) do widths[j] = math.max(widths[j] or 0, #c) end
  end
  local out = { string.format("sepgen: %s (net %s, target %s): %d layer%s\n", file, p.net.name,
    p.target, #p.layers, #p.layers == 1 and "" or "s") }
  if note and note ~= "" then out[#out + 1] = note .. "\n" end
  for ri, r in ipairs(rows) do
    local cells = {}
    for j, c in ipairs(r) do
      local left = j == 2 or j == 3
      cells[j] = left and (c .. string.rep(" ", widths[j] - #c)) or (string.rep(" ", widths[j] - #c) .. c)
    end
    out[#out + 1] = table.concat(cells, "  "):gsub("%s+$", "") .. "\n"
    if ri == 1 or ri == #rows - 1 then
      local total = 0
      for j = 1, #widths do total = total + widths[j] + (j > 1 and 2 or 0) end
      out[#out + 1] = string.rep("-", total) .. "\n"
    end
  end
  out[#out + 1] = "std conv: a standard convolution with the same kernel, input and output " ..
                  "channels; reduction = std conv MACs / MACs.\n"
  if a then out[#out + 1] = "live: the arena's tensors and scratch live across the layer (N_forward).\n" end
  out[#out + 1] = table.concat(explain.memory_lines(p, optimize or "speed", alt), "\n") .. "\n"
  if code then out[#out + 1] = explain.code_line(p, code) .. "\n" end
  local regs = explain.register_line(p)
  if regs then out[#out + 1] = regs .. "\n" end
  local notes = explain.report_notes(p)
  if #notes > 0 then
    out[#out + 1] = "plan decisions:\n" .. table.concat(notes, "\n") .. "\n"
  end
  return table.concat(out)
end

return M
