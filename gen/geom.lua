-- geom.lua - convolution geometry from README "Layer semantics": output sizes, the
-- TensorFlow SAME padding split, and the deconvolution (adjoint) sizes.
-- Pure integer arithmetic, shared by validation and planning.
local util = require("util")
local M = {}

local floor, max = math.floor, math.max

-- TensorFlow SAME on one axis: returns out, pad_before, pad_after.
function M.same(n, k, s, d)
  local o = util.ceil_div(n, s)
  local p = max(0, (o - 1) * s + (k - 1) * d + 1 - n)
  local before = floor(p / 2)
  return o, before, p - before
end

-- Output size of a convolution with explicit padding (may be < 1: invalid).
function M.conv_out(n, k, s, d, before, after)
  return floor((n + before + after - (k - 1) * d - 1) / s) + 1
end

-- Axis of a dwconv: pad is "same", "valid" or {before, after}.
-- Returns out, before, after.
function M.conv_axis(n, k, s, d, pad)
  if pad == "same" then return M.same(n, k, s, d) end
  local b, a = 0, 0
  if pad ~= "valid" then b, a = pad[1], pad[2] end
  return M.conv_out(n, k, s, d, b, a), b, a
end

-- Axis of a dwdeconv whose forward dwconv maps `o` (the deconv output) to
-- `n` (the deconv input).  `o` may be nil (use the default).  Returns
-- o, before, after, ok where ok tells whether the forward map lands on n.
function M.deconv_axis(n, k, s, d, pad, o)
  if pad == "same" then
    o = o or n * s
    local fo, b, a = M.same(o, k, s, d)
    return o, b, a, fo == n
  end
  local b, a = 0, 0
  if pad ~= "valid" then b, a = pad[1], pad[2] end
  o = o or (n - 1) * s + (k - 1) * d + 1 - b - a
  return o, b, a, o >= 1 and M.conv_out(o, k, s, d, b, a) == n
end

return M
