-- arena.lua - the memory plan of N_forward (README "The whole net"): every
-- tensor between the net's input and its output, and every layer's
-- scratch, at offsets of one arena planned from their lifetimes at
-- generation time, and the offsets of each layer's packed weights.
-- Numbers only.
local util = require("util")

local M = {}

local ALIGN = 16   -- floats: every block starts on a 64-byte boundary

local function align(n) return util.ceil_div(n, ALIGN) * ALIGN end

-- The blocks of net plan r (plan.net): tensor i, the output of layer i
-- (1..n-1; the last layer writes `out`), lives from layer i to the last
-- layer that reads it (the next one, or a later one whose residual names
-- layer i+1: its skip is layer i+1's input); layer i's scratch lives
-- during layer i.  Each block: { what = "tensor" | "scratch", layer,
-- floats, first, last }.
function M.blocks(r)
  local layers = r.layers
  local n = #layers
  local blocks, of_tensor = {}, {}
  for i = 1, n - 1 do
    local L = layers[i].L
    local b = { what = "tensor", layer = i, floats = L.OH * L.OW * L.OC, first = i, last = i + 1 }
    blocks[#blocks + 1] = b
    of_tensor[i] = b
  end
  for j, p in ipairs(layers) do
    local L = p.L
    if L.residual == "named" and L.skip and L.skip > 1 then
      local b = of_tensor[L.skip - 1]
      if j > b.last then b.last = j end
    end
    if p.scratch_floats > 0 then
      blocks[#blocks + 1] = { what = "scratch", layer = j, floats = p.scratch_floats, first = j, last = j }
    end
  end
  return blocks, of_tensor
end

-- The floats of arena blocks live during layer k, and those blocks.
local function live_at(blocks, k)
  local sum, list = 0, {}
  for _, b in ipairs(blocks) do
    if b.first <= k and k <= b.last then
      sum = sum + b.floats
      list[#list + 1] = b
    end
  end
  return sum, list
end

-- Offsets, greedy by size (the largest block first; ties by first use,
-- then layer, then tensors before scratch): each block goes to the lowest
-- aligned offset where no block whose lifetime meets its own lies.
local function place(blocks)
  local order = {}
  for i, b in ipairs(blocks) do order[i] = b end
  table.sort(order, function(a, b)
    if a.floats ~= b.floats then return a.floats > b.floats end
    if a.first ~= b.first then return a.first < b.first end
    if a.layer ~= b.layer then return a.layer < b.layer end
    return a.what == "tensor" and b.what ~= "tensor"
  end)
  local placed, top = {}, 0
  for _, b in ipairs(order) do
    local busy = {}
    for _, o in ipairs(placed) do
      if o.first <= b.last and b.first <= o.last then busy[#busy + 1] = o end
    end
    table.sort(busy, function(x, y) return x.offset < y.offset end)
    local at = 0
    for _, o in ipairs(busy) do
      if at + b.floats <= o.offset then break end
      at = math.max(at, align(o.offset + o.floats))
    end
    b.offset = at
    top = math.max(top, at + b.floats)
    placed[#placed + 1] = b
  end
  return align(top)
end

-- The plan of net plan r, or nil when the file is not one chain (each
-- layer's input the previous layer's output): { blocks, tensor (layer ->
-- its output's block, up to n-1), scratch (layer -> its scratch block or
-- nil), arena_floats, bound, bound_at (the layer where the live blocks
-- weigh most), live (per layer: floats live, the blocks), packed (per
-- layer: the offset of its packed weights), packed_floats }.
function M.plan(r)
  local n = #r.layers
  for i = 2, n do
    if r.layers[i].L.chain ~= r.layers[1].L.chain then return nil end
  end
  local blocks, tensor = M.blocks(r)
  local scratch = {}
  for _, b in ipairs(blocks) do
    if b.what == "scratch" then scratch[b.layer] = b end
  end
  local a = { blocks = blocks, tensor = tensor, scratch = scratch, live = {}, bound = 0, bound_at = 1 }
  for k = 1, n do
    local sum, list = live_at(blocks, k)
    a.live[k] = { floats = sum, blocks = list }
    if sum > a.bound then a.bound, a.bound_at = sum, k end
  end
  a.arena_floats = place(blocks)
  a.packed, a.packed_floats = {}, 0
  for i, p in ipairs(r.layers) do
    a.packed[i] = a.packed_floats
    a.packed_floats = a.packed_floats + align(p.packed_floats)
  end
  return a
end

return M
