-- test_topology.lua - plan_pw.topology_sources against README topology: output channel
-- (o1..od) (row-major, last dimension fastest) reads the input channels with
-- coordinates ij = (floor(oj*aj/bj) + tj) mod aj, 0 <= tj < sj; slot s is the
-- s-th of them in increasing channel index.  groups = g is the topology
-- {g, Cin/g}, {g, Cout/g}, {1, Cin/g}.
local H = require("harness")
local plan_pw = require("plan_pw")

local T = {}

-- Straight from README topology: a recursive enumeration of the window offsets.
local function brute(topo, cout)
  local a, b, w = topo.grid_in, topo.grid_out, topo.window
  local d = #a
  local res = {}
  for o = 0, cout - 1 do
    -- decode o into (o1..od), last dimension fastest
    local oc, rest = {}, o
    for j = d, 1, -1 do
      oc[j] = rest % b[j]
      rest = H.idiv(rest - oc[j], b[j])
    end
    local set = {}
    local function rec(j, idx)
      if j > d then set[#set + 1] = idx; return end
      for t = 0, w[j] - 1 do
        local i = (math.floor(oc[j] * a[j] / b[j]) + t) % a[j]
        rec(j + 1, idx * a[j] + i)
      end
    end
    rec(1, 0)
    table.sort(set)
    res[o + 1] = set
  end
  return res
end

local function product(t)
  local p = 1
  for i = 1, #t do p = p * t[i] end
  return p
end

local function topo(gi, go, w) return { grid_in = gi, grid_out = go, window = w } end

function T.one_dim_wraps_sorted()
  -- grid_in {6}, grid_out {3}, window {4}: output o starts at 2o
  local got = plan_pw.topology_sources(topo({ 6 }, { 3 }, { 4 }), 3)
  H.eq(got, { { 0, 1, 2, 3 }, { 2, 3, 4, 5 }, { 0, 1, 4, 5 } }, "{6},{3},{4}")
end

function T.one_dim_more()
  -- grid_in {4}, grid_out {8}, window {2}: starts floor(o*4/8) = 0,0,1,1,2,2,3,3
  local got = plan_pw.topology_sources(topo({ 4 }, { 8 }, { 2 }), 8)
  H.eq(got, { { 0, 1 }, { 0, 1 }, { 1, 2 }, { 1, 2 }, { 2, 3 }, { 2, 3 }, { 0, 3 }, { 0, 3 } },
    "{4},{8},{2}")
  -- full window: every output reads everything (dense)
  got = plan_pw.topology_sources(topo({ 5 }, { 2 }, { 5 }), 2)
  H.eq(got, { { 0, 1, 2, 3, 4 }, { 0, 1, 2, 3, 4 } }, "{5},{2},{5}")
end

function T.two_dim_hand_computed()
  -- grid_in {2,3}, grid_out {2,3}, window {1,2}: o = 3*o1 + o2 reads
  -- i1 = o1, i2 in {o2, o2+1 mod 3}; channel = 3*i1 + i2
  local got = plan_pw.topology_sources(topo({ 2, 3 }, { 2, 3 }, { 1, 2 }), 6)
  H.eq(got, { { 0, 1 }, { 1, 2 }, { 0, 2 }, { 3, 4 }, { 4, 5 }, { 3, 5 } }, "{2,3},{2,3},{1,2}")
  -- grid_in {2,3}, grid_out {2,2}, window {2,2}: base2 = floor(o2*3/2) = 0, 1
  got = plan_pw.topology_sources(topo({ 2, 3 }, { 2, 2 }, { 2, 2 }), 4)
  H.eq(got, { { 0, 1, 3, 4 }, { 1, 2, 4, 5 }, { 0, 1, 3, 4 }, { 1, 2, 4, 5 } }, "{2,3},{2,2},{2,2}")
end

function T.three_dim_hand_computed()
  -- grid_in {3,2,2} (12), grid_out {2,1,3} (6), window {2,1,1}:
  -- o = 3*o1 + o3; base1 = floor(o1*3/2) = 0, 1; base2 = 0;
  -- base3 = floor(o3*2/3) = 0, 0, 1; channel = 4*i1 + 2*i2 + i3
  local got = plan_pw.topology_sources(topo({ 3, 2, 2 }, { 2, 1, 3 }, { 2, 1, 1 }), 6)
  H.eq(got, { { 0, 4 }, { 0, 4 }, { 1, 5 }, { 4, 8 }, { 4, 8 }, { 5, 9 } }, "{3,2,2},{2,1,3},{2,1,1}")
  -- with a wrap in the first dimension: grid_out {3,1,1}, window {2,2,1}
  -- base1 = 0, 1, 2 -> i1 in {0,1}, {1,2}, {2,0}; i2 in {0,1}; i3 = 0
  got = plan_pw.topology_sources(topo({ 3, 2, 2 }, { 3, 1, 1 }, { 2, 2, 1 }), 3)
  H.eq(got, { { 0, 2, 4, 6 }, { 4, 6, 8, 10 }, { 0, 2, 8, 10 } }, "{3,2,2},{3,1,1},{2,2,1}")
end

function T.groups_are_contiguous_blocks()
  -- {g, cin, cout}
  local cases = { { 2, 8, 4 }, { 2, 4, 8 }, { 4, 16, 8 }, { 3, 9, 6 }, { 8, 8, 8 }, { 1, 5, 3 },
                  { 4, 8, 12 }, { 16, 32, 16 } }
  for _, c in ipairs(cases) do
    local g, cin, cout = c[1], c[2], c[3]
    local cg, og = H.idiv(cin, g), H.idiv(cout, g)
    local t = topo({ g, cg }, { g, og }, { 1, cg })
    local got = plan_pw.topology_sources(t, cout)
    local want = {}
    for o = 0, cout - 1 do
      local base = H.idiv(o, og) * cg
      local l = {}
      for s = 0, cg - 1 do l[#l + 1] = base + s end
      want[o + 1] = l
    end
    H.eq(got, want, "groups = " .. g .. ", cin " .. cin .. ", cout " .. cout)
  end
end

local function check_props(t, cout, got, what)
  local S = product(t.window)
  local cin = product(t.grid_in)
  if #got ~= cout then H.eq(#got, cout, what .. ": number of lists") end
  for o = 1, cout do
    local l = got[o]
    if #l ~= S then H.eq(#l, S, what .. ": output " .. (o - 1) .. " list length") end
    for s = 1, S do
      local x = l[s]
      if x < 0 or x > cin - 1 or x ~= math.floor(x) then
        H.fail(what .. ": output " .. (o - 1) .. " reads channel " .. tostring(x) .. " outside 0.." .. (cin - 1))
      end
      if s > 1 and l[s - 1] >= x then
        H.fail(what .. ": output " .. (o - 1) .. " list not strictly increasing: " .. H.repr(l))
      end
    end
  end
end

function T.random_topologies_match_brute_force()
  local rnd = H.rng(20240611)
  for case = 1, 300 do
    local d = rnd(1, 4)
    local gi, go, w = {}, {}, {}
    for j = 1, d do
      gi[j] = rnd(1, 5)
      go[j] = rnd(1, 5)
      w[j] = rnd(1, gi[j])
    end
    local t = topo(gi, go, w)
    local cout = product(go)
    local got = plan_pw.topology_sources(t, cout)
    local what = "case " .. case .. " topology " .. H.repr(t)
    check_props(t, cout, got, what)
    local want = brute(t, cout)
    if not H.deep_eq(got, want) then H.eq(got, want, what) end
  end
end

function T.eight_dims_match_brute_force()
  local t = topo({ 2, 1, 2, 3, 1, 2, 2, 2 }, { 1, 2, 2, 1, 2, 3, 1, 2 }, { 2, 1, 1, 2, 1, 1, 2, 1 })
  local cout = product(t.grid_out)
  local got = plan_pw.topology_sources(t, cout)
  check_props(t, cout, got, "8-d")
  H.eq(got, brute(t, cout), "8-d")
end

-- The test's own brute force agrees with the hand-computed cases (so a
-- mismatch above means the generator, not the reference, is wrong).
function T.brute_force_reference_sane()
  H.eq(brute(topo({ 6 }, { 3 }, { 4 }), 3), { { 0, 1, 2, 3 }, { 2, 3, 4, 5 }, { 0, 1, 4, 5 } }, "1-d")
  H.eq(brute(topo({ 2, 3 }, { 2, 3 }, { 1, 2 }), 6),
    { { 0, 1 }, { 1, 2 }, { 0, 2 }, { 3, 4 }, { 4, 5 }, { 3, 5 } }, "2-d")
end

return T
