-- axes.lua - one axis of a depthwise stage (forward or transposed) as
-- classes of output coordinates that read the same taps: the arithmetic
-- behind border regions.  Pure integers, no decisions.
local util = require("util")

local M = {}

local min, max = math.min, math.max

-- One axis of a spatial stage as classes of output coordinates that read
-- the same set of taps.  Within a class the loop variable v runs over
-- [v0, v1); the output coordinate is b*v + r and tap t reads input
-- coordinate a*v + off.
--
-- conv (forward dwconv): out o = v, in = s*v - p + t*d      (a = s, b = 1)
-- deconv (its adjoint):  out o = s*q + r, in = q + (r + p - t*d)/s for the
--                        taps with (r + p - t*d) divisible by s (a = 1, b = s)
--
-- lo, hi: the readable input range: 0..n-1 for an input of n, further for a
-- staged (zero-padded) copy.
function M.classes(kind, o, k, s, d, p, lo, hi)
  local classes = {}
  local phases = kind == "deconv" and s or 1
  for r = 0, phases - 1 do
    local a, b, vcount
    if kind == "deconv" then
      a, b = 1, s
      vcount = util.ceil_div(o - r, s)
    else
      a, b = s, 1
      vcount = o
    end
    local cur
    for v = 0, vcount - 1 do
      local taps = {}
      for t = 0, k - 1 do
        local off
        if kind == "deconv" then
          local num = r + p - t * d
          if util.imod(num, s) == 0 then off = util.idiv(num, s) end
        else
          off = t * d - p
        end
        if off then
          local x = a * v + off
          if x >= lo and x <= hi then taps[#taps + 1] = { t = t, off = off } end
        end
      end
      local sig = {}
      for i, tp in ipairs(taps) do sig[i] = util.int(tp.t) end
      sig = table.concat(sig, ",")
      if cur and cur.sig == sig then
        cur.v1 = v + 1
      else
        cur = { v0 = v, v1 = v + 1, a = a, b = b, r = r, taps = taps, sig = sig }
        classes[#classes + 1] = cur
      end
    end
  end
  return classes
end

-- Taps read by all classes of an axis together.
function M.count_taps(classes)
  local n = 0
  for _, c in ipairs(classes) do n = n + #c.taps end
  return n
end

-- Input range a stage would read with every tap of every class (for staging).
function M.read_range(kind, n, o, k, s, d, p)
  local lo, hi = 0, n - 1
  local cls = M.classes(kind, o, k, s, d, p, -1e9, 1e9)
  for _, c in ipairs(cls) do
    for _, tp in ipairs(c.taps) do
      lo = min(lo, c.a * c.v0 + tp.off)
      hi = max(hi, c.a * (c.v1 - 1) + tp.off)
    end
  end
  return lo, hi
end

return M
