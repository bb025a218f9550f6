-- test_axes.lua - axes.classes(kind, o, k, s, d, p, lo, hi): one axis
-- of a spatial stage as classes of output coordinates (b*v + r, v in
-- [v0, v1)) that read the same taps; tap t reads input a*v + off.  Checked
-- against brute force straight from README dwconv (conv: output o reads input
-- o*s - p + t*d) and README dwdeconv (deconv: input y scatters to y*s - p + t*d),
-- with reads outside the readable input range [lo, hi] dropped.
local H = require("harness")
local axes = require("axes")
local geom = require("geom")

local T = {}

-- Brute force: for each output coordinate 0..o-1, the sorted list of taps
-- and the input coordinate each tap reads ({t = input}).
local function brute(kind, o, k, s, d, p, lo, hi)
  local res = {}
  for x = 0, o - 1 do res[x] = { taps = {}, input = {} } end
  if kind == "conv" then
    for x = 0, o - 1 do
      for t = 0, k - 1 do
        local y = x * s - p + t * d
        if y >= lo and y <= hi then
          local r = res[x]
          r.taps[#r.taps + 1] = t
          r.input[t] = y
        end
      end
    end
  else
    for y = lo, hi do
      for t = 0, k - 1 do
        local x = y * s - p + t * d
        if x >= 0 and x < o then
          local r = res[x]
          r.taps[#r.taps + 1] = t
          r.input[t] = y
        end
      end
    end
    for x = 0, o - 1 do table.sort(res[x].taps) end
  end
  return res
end

-- Checks the classes of one axis against the brute force; returns the
-- number of output coordinates checked.
local function check(kind, n, o, k, s, d, p, lo, hi)
  lo = lo or 0
  hi = hi or n - 1
  local function what()
    return kind .. " n=" .. n .. " o=" .. o .. " k=" .. k .. " s=" .. s .. " d=" .. d .. " p=" .. p ..
           " range " .. lo .. ".." .. hi
  end
  local classes = axes.classes(kind, o, k, s, d, p, lo, hi)
  local want = brute(kind, o, k, s, d, p, lo, hi)
  local seen = {}
  for ci, c in ipairs(classes) do
    if c.v1 <= c.v0 then H.fail(what() .. ": class " .. ci .. " is empty: " .. H.repr({ c.v0, c.v1 })) end
    local ts = {}
    for i, tp in ipairs(c.taps) do ts[i] = tp.t end
    local sorted = {}
    for i, t in ipairs(ts) do sorted[i] = t end
    table.sort(sorted)
    for v = c.v0, c.v1 - 1 do
      local x = c.b * v + c.r
      if x < 0 or x >= o then
        H.fail(what() .. ": class " .. ci .. " v=" .. v .. " gives output " .. x .. " outside 0.." .. (o - 1))
      end
      if seen[x] then H.fail(what() .. ": output " .. x .. " is in classes " .. seen[x] .. " and " .. ci) end
      seen[x] = ci
      if not H.deep_eq(sorted, want[x].taps) then
        H.eq(sorted, want[x].taps, function() return what() .. ": taps of output " .. x .. " (class " .. ci .. ")" end)
      end
      for _, tp in ipairs(c.taps) do
        local y = c.a * v + tp.off
        if y ~= want[x].input[tp.t] then
          H.eq(y, want[x].input[tp.t], function()
            return what() .. ": input read by tap " .. tp.t .. " for output " .. x .. " (class " .. ci .. ")"
          end)
        end
      end
    end
  end
  for x = 0, o - 1 do
    if not seen[x] then H.fail(what() .. ": output " .. x .. " is in no class") end
  end
  return o
end

function T.conv_hand_computed()
  -- n=5, 3 taps, stride 2, pad 1 (SAME): outputs read -1..1, 1..3, 3..5
  local cls = axes.classes("conv", 3, 3, 2, 1, 1, 0, 4)
  local got = {}
  for i, c in ipairs(cls) do
    local taps = {}
    for j, tp in ipairs(c.taps) do taps[j] = { tp.t, tp.off } end
    got[i] = { c.v0, c.v1, c.a, c.b, c.r, taps }
  end
  H.eq(got, {
    { 0, 1, 2, 1, 0, { { 1, 0 }, { 2, 1 } } },
    { 1, 2, 2, 1, 0, { { 0, -1 }, { 1, 0 }, { 2, 1 } } },
    { 2, 3, 2, 1, 0, { { 0, -1 }, { 1, 0 } } },
  }, "conv n=5 k=3 s=2 p=1: {v0, v1, a, b, r, {{t, off}}}")
end

function T.conv_interior_is_one_class()
  -- 20 columns, 3 taps, stride 1, pad 1: border, 18 interior outputs, border
  local cls = axes.classes("conv", 20, 3, 1, 1, 1, 0, 19)
  H.eq(#cls, 3, "number of classes")
  H.eq({ cls[2].v0, cls[2].v1, #cls[2].taps }, { 1, 19, 3 }, "interior class")
end

function T.deconv_hand_computed()
  -- 2 input rows, 3 taps, stride 2, no padding -> 5 output rows:
  -- y=0 writes 0,1,2 (t=0,1,2); y=1 writes 2,3,4
  local cls = axes.classes("deconv", 5, 3, 2, 1, 0, 0, 1)
  local got = {}
  for i, c in ipairs(cls) do
    local taps = {}
    for j, tp in ipairs(c.taps) do taps[j] = tp.t end
    table.sort(taps)
    got[i] = { r = c.r, v0 = c.v0, v1 = c.v1, taps = taps }
  end
  table.sort(got, function(x, y) if x.r ~= y.r then return x.r < y.r end return x.v0 < y.v0 end)
  H.eq(got, {
    { r = 0, v0 = 0, v1 = 1, taps = { 0 } },      -- output 0
    { r = 0, v0 = 1, v1 = 2, taps = { 0, 2 } },   -- output 2
    { r = 0, v0 = 2, v1 = 3, taps = { 2 } },      -- output 4
    { r = 1, v0 = 0, v1 = 2, taps = { 1 } },      -- outputs 1, 3
  }, "deconv n=2 o=5 k=3 s=2 p=0")
  check("deconv", 2, 5, 3, 2, 1, 0)
end

function T.conv_matches_brute_force()
  local checked = 0
  for n = 1, 8 do
    for k = 1, 4 do
      for s = 1, 3 do
        for d = 1, 3 do
          local maxp = (k - 1) * d
          for pb = 0, maxp do
            local pas = { 0, maxp }
            if maxp == 0 then pas = { 0 } end
            for _, pa in ipairs(pas) do
              local o = geom.conv_out(n, k, s, d, pb, pa)
              if o >= 1 then checked = checked + check("conv", n, o, k, s, d, pb) end
            end
          end
          local o, pb = geom.same(n, k, s, d)
          checked = checked + check("conv", n, o, k, s, d, pb)
        end
      end
    end
  end
  H.ok(checked > 5000, "checked " .. checked .. " output coordinates")
end

function T.deconv_matches_brute_force()
  local checked = 0
  for n = 1, 6 do
    for k = 1, 4 do
      for s = 1, 3 do
        for d = 1, 2 do
          local maxp = (k - 1) * d
          for pb = 0, maxp do
            for _, pa in ipairs({ 0, maxp }) do
              local o0 = (n - 1) * s + (k - 1) * d + 1 - pb - pa
              -- the default size and the larger ones with unread rows
              for o = o0, o0 + s - 1 do
                if o >= 1 then checked = checked + check("deconv", n, o, k, s, d, pb) end
              end
            end
          end
          -- SAME (as in the bottleneck's up-sampling): out n*s and n*s - 1
          for o = n * s - 1, n * s do
            if o >= 1 then
              local _, pb = geom.same(o, k, s, d)
              checked = checked + check("deconv", n, o, k, s, d, pb)
            end
          end
        end
      end
    end
  end
  H.ok(checked > 5000, "checked " .. checked .. " output coordinates")
end

-- A readable range beyond 0..n-1 (a zero-padded staged copy of the input):
-- the classes take exactly the taps that land in [lo, hi].
function T.extended_range_matches_brute_force()
  for n = 1, 6 do
    for k = 1, 4 do
      for s = 1, 3 do
        local d = 1 + (n + k) % 2
        local ext = (k - 1) * d + s
        local o, pb = geom.same(n, k, s, d)
        check("conv", n, o, k, s, d, pb, -ext, n - 1 + ext)
        check("conv", n, o, k, s, d, pb, -pb, n - 1)
        local od = n * s
        local _, dpb = geom.same(od, k, s, d)
        check("deconv", n, od, k, s, d, dpb, -ext, n - 1 + ext)
      end
    end
  end
end

return T
