-- test_arena.lua - gen/arena.lua, N_forward's memory plan: lifetimes
-- (named skips keep their tensor alive), the lower bound, placement (no two
-- blocks alive at once overlap, 64-byte boundaries, the arena within 10% of
-- the bound), the packed weights' offsets, and nets that are not one chain.
local H = require("harness")
local plan = require("plan")
local shapes = require("shapes")
local arena = require("arena")

local T = {}

local function net_plan(file, tname, fuse)
  local text = assert(H.read(file))
  local net, errs = shapes.load(text, file)
  H.ok(net, file .. ": " .. table.concat(errs or {}, "; "))
  return plan.net(net, tname or "avx512", fuse or "auto")
end

local function src_plan(src, tname)
  local net, errs = shapes.load(src, "t.lua")
  H.ok(net, table.concat(errs or {}, "; "))
  return plan.net(net, tname or "scalar", "auto")
end

-- A plan record of layers with given output floats and scratch, for
-- arena.plan alone: { {out, scratch, skip = i} ... } (skip: layer i's
-- input is added by this layer).
local function fake(spec)
  local r = { layers = {} }
  for i, s in ipairs(spec) do
    r.layers[i] = {
      L = { chain = 1, OH = 1, OW = 1, OC = s[1], residual = s.skip and "named" or "none", skip = s.skip },
      scratch_floats = s[2] or 0, packed_floats = s.packed or 0,
    }
  end
  return r
end

local function overlaps(a, b)
  return a.first <= b.last and b.first <= a.last and
    a.offset < b.offset + b.floats and b.offset < a.offset + a.floats
end

-- Every property of plan a for net plan r.
local function check_plan(r, a, what)
  for i, x in ipairs(a.blocks) do
    H.eq(x.offset % 16, 0, what .. ": block " .. i .. " starts on a 64-byte boundary")
    H.ok(x.offset + x.floats <= a.arena_floats, what .. ": block " .. i .. " inside the arena")
    for j = i + 1, #a.blocks do
      H.ok(not overlaps(x, a.blocks[j]), function()
        return string.format("%s: blocks %d (%s of layer %d, layers %d-%d) and %d (%s of layer %d, layers %d-%d) " ..
          "are alive together and overlap", what, i, x.what, x.layer, x.first, x.last, j, a.blocks[j].what,
          a.blocks[j].layer, a.blocks[j].first, a.blocks[j].last)
      end)
    end
  end
  H.ok(a.arena_floats >= a.bound, what .. ": the arena is at least the bound")
  H.ok(a.arena_floats <= 1.1 * a.bound + 16, what .. string.format(": arena %d within 10%% of the bound %d",
    a.arena_floats, a.bound))
  local at = 0
  for i, p in ipairs(r.layers) do
    H.eq(a.packed[i], at, what .. ": layer " .. i .. "'s packed weights follow the previous layer's")
    at = at + math.ceil(p.packed_floats / 16) * 16
  end
  H.eq(a.packed_floats, at, what .. ": packed floats")
end

function T.lifetimes_and_the_bound_of_a_chain()
  -- outputs 100, 50, 70 (the last is the caller's out), scratch 10 in layer 2
  local a = arena.plan(fake({ { 100 }, { 50, 10 }, { 70 } }))
  H.eq(#a.blocks, 3, "two tensors and one scratch")
  local t1, t2 = a.tensor[1], a.tensor[2]
  H.eq({ t1.first, t1.last, t2.first, t2.last }, { 1, 2, 2, 3 }, "each tensor lives from its writer to its reader")
  H.eq(a.scratch[2].first, 2, "scratch lives during its layer")
  H.eq(a.scratch[2].last, 2, "and only then")
  H.eq(a.live[2].floats, 100 + 50 + 10, "layer 2: its input, output and scratch")
  H.eq(a.bound, 160, "the bound: the heaviest layer")
  H.eq(a.bound_at, 2, "at layer 2")
  check_plan(fake({ { 100 }, { 50, 10 }, { 70 } }), a, "chain")
end

function T.a_named_skip_keeps_its_tensor_alive()
  -- layer 4 adds layer 2's input (tensor 1): tensor 1 lives to layer 4
  local r = fake({ { 64 }, { 32 }, { 32 }, { 64, skip = 2 }, { 8 } })
  local a = arena.plan(r)
  H.eq(a.tensor[1].last, 4, "tensor 1 lives until the layer that adds it")
  H.eq(a.live[3].floats, 64 + 32 + 32, "layer 3: its input, its output and the skip")
  check_plan(r, a, "skip")
  -- without the skip, tensor 1 dies at layer 2 and tensor 3 may take its place
  local b = arena.plan(fake({ { 64 }, { 32 }, { 32 }, { 64 }, { 8 } }))
  H.eq(b.tensor[1].last, 2, "no skip: tensor 1 dies after its reader")
  H.ok(b.arena_floats < a.arena_floats, "the skip costs arena")
end

function T.freed_space_is_reused()
  -- 1000, 10, 1000, 10: tensor 3 can take tensor 1's place
  local r = fake({ { 1000 }, { 10 }, { 1000 }, { 10 }, { 5 } })
  local a = arena.plan(r)
  H.eq(a.tensor[3].offset, a.tensor[1].offset, "tensor 3 reuses tensor 1's space")
  H.eq(a.arena_floats, 1024, "arena: 1000 floats, then 10 from the next 64-byte boundary (1008), rounded up")
  check_plan(r, a, "reuse")
end

function T.nets_that_are_not_one_chain_have_no_plan()
  local r = src_plan([[return { name = "t", layers = {
    { name = "a", op = "dwconv", input = { h = 4, w = 4, c = 8 }, k = 3 },
    { name = "b", op = "dwconv", input = { h = 4, w = 4, c = 8 }, k = 3 } } }]])
  H.eq(r.arena, nil, "two chains: no arena")
end

function T.every_one_chain_net_meets_the_bound()
  local n = 0
  for _, file in ipairs(H.find("tests/nets/*.lua examples/*.lua")) do
    for _, fuse in ipairs({ "auto", "always" }) do
      for _, tname in ipairs({ "scalar", "avx512" }) do
        local r = net_plan(file, tname, fuse)
        if r.arena then
          n = n + 1
          check_plan(r, r.arena, file .. " " .. tname .. " --fuse " .. fuse)
        end
      end
    end
  end
  H.ok(n >= 16, "one-chain nets planned: " .. n)
end

function T.memory_mode_never_costs_arena()
  for _, file in ipairs(H.find("examples/*.lua")) do
    local speed, memory = net_plan(file, "avx512", "auto"), net_plan(file, "avx512", "always")
    H.ok(memory.arena.arena_floats <= speed.arena.arena_floats, file .. ": --optimize memory's arena is no larger")
  end
end

return T
