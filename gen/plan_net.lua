-- plan_net.lua - the decisions of the stages of the whole-network ops
-- (README "Layer semantics": conv, pool, fc, se, softmax), one function per
-- step like plan_dw.lua and plan_pw.lua; plan.lua runs them and checks
-- every field against its schema.  fc and se's two fully connected layers
-- are projection stages (plan_pw.lua) over one pixel.
local util = require("util")
local targets = require("targets")
local plan_dw = require("plan_dw")

local M = {}

local floor, max, min = math.floor, math.max, math.min

---------------------------------------------------------------- conv

-- conv's borders: the depthwise stage's regions (plan_dw.borders), each
-- tap reading cin_g input channels.
M.conv_borders = plan_dw.borders

-- conv's register tile: `ur` output pixels along the row x one panel of
-- `nr` output channels (nv vectors on SIMD targets), accumulators within
-- the target's depthwise budget (its stem budget when the input channels
-- are unrolled); panels over each group's outputs, the last
-- one narrower (masked, or scalar code without masks).
-- The scalar target's tile is the vector one with one-float vectors
-- (targets.lua dw_vec), and so is a SIMD target's when its panels are not
-- whole vectors and it has no masks (why_scalar).
function M.conv_tile(tg, st)
  local cout_g = util.idiv(st.OC, st.groups)
  local VW = tg.vw
  local nv = min(util.ceil_div(cout_g, VW), 4)
  -- input channels unrolled (simd/conv.c.in: cin_g <= 4): tg.stem_acc
  local acc = util.idiv(st.C, st.groups) <= 4 and tg.stem_acc or tg.dw_acc
  local ur = min(tg.dw_ur, max(1, floor(acc / nv)))
  local nr = min(nv * VW, cout_g)
  local npanels = floor(cout_g / nr)
  local ntail = cout_g - npanels * nr
  if not (tg.masked or (nr % VW == 0 and ntail % VW == 0)) then
    local r = M.conv_tile(targets.scalar, st)
    r.why_scalar = "no_masks"
    return r
  end
  local nv_ = util.ceil_div(nr, VW)
  local tail_nv = util.ceil_div(ntail, VW)
  return { nr = nr, ur = ur, nv = nv_, simd = true, isa = tg, cout_g = cout_g, npanels = npanels, ntail = ntail,
           tail_nv = tail_nv, lastn = nr - (nv_ - 1) * VW, tail_lastn = ntail > 0 and ntail - (tail_nv - 1) * VW or 0 }
end

-- conv's packing: per group, per panel [bias nr_pad][kh*kw taps][cin_g][nr_pad]
-- (nr_pad: whole vectors in vector code), the tail panel likewise.
function M.conv_packing(tg, st)
  local VW = st.simd and (st.isa or tg).vw or 1
  local cin_g = util.idiv(st.C, st.groups)
  local taps = st.kh * st.kw * cin_g
  local nr_pad, nt_pad = util.ceil_div(st.nr, VW) * VW, util.ceil_div(st.ntail, VW) * VW
  local panel_stride = (st.bias and nr_pad or 0) + taps * nr_pad
  local tail_stride = st.ntail > 0 and ((st.bias and nt_pad or 0) + taps * nt_pad) or 0
  local group_stride = st.npanels * panel_stride + tail_stride
  return { cin_g = cin_g, nr_pad = nr_pad, ntail_pad = nt_pad, panel_stride = panel_stride,
           tail_stride = tail_stride, group_stride = group_stride, wfloats = st.groups * group_stride }
end

---------------------------------------------------------------- pool

-- A windowed pool's borders: the depthwise stage's regions, never staged
-- (a zero-padded copy would let padding into a max or an average).
M.pool_borders = plan_dw.borders

-- A pool's channel tiles: the depthwise stage's scalar channel tiles on
-- every target for now.
function M.pool_tiles(_, st)
  local tiles, why = plan_dw.scalar_tiles(targets.scalar, st.C, st.mult)
  return { tiles = tiles, ur = 1, simd = false, tile_why = why }
end

return M
