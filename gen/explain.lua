-- explain.lua - the one place where the plan's numbers become sentences:
-- the comment block of every generated layer ("why this tile?") and the
-- cost report's plan decisions.  Reads plan records; decides nothing.
local util = require("util")
local targets = require("targets")

local M = {}

local fmt, int = string.format, util.int
local STAGE_WORD

-- bytes as whole KiB, rounded up (sizes) or down (limits)
local function kib(bytes) return util.ceil_div(bytes, 1024) end
local function kib_floor(bytes) return util.idiv(bytes, 1024) end

local function s_if(n) return n == 1 and "" or "s" end

-- Why each target's register tiles are the size they are, from its
-- register file and budgets (targets.lua).
M.WHY = {}
function M.WHY.dw(tg, ur)
  if tg.dw_vec then
    return fmt("one named accumulator per output; %s, at most %d accumulators + the weight and the input " ..
      "within the %d single-precision registers the plan assumes (Cortex-M4F/M7: s0-s31)",
      ur == 1 and "one output pixel a step (--optimize size: the least code)" or
      fmt("the %d output pixels along the row share each weight load", ur), tg.dw_acc, tg.regs)
  end
  return fmt("one %d-float %s register per %d channels; %d output pixels along the row share each weight " ..
    "register (at most %d accumulators + the kernel's weight vectors within the %d %s registers)", tg.vw, tg.reg,
    tg.vw, tg.dw_ur, tg.dw_acc, tg.regs, tg.reg)
end
-- The depthwise channel tiles of the scalar fallback (dw_tile.c.in).
function M.WHY.dw_channels(tg)
  local acc = tg.ch_acc or tg.dw_acc
  return fmt("at most %d named accumulators: with a tap's inputs and weights they fit the %d single-precision " ..
    "registers of Cortex-M4F/M7 FPUs, and compilers vectorize the tap statements where SIMD exists", acc, tg.regs)
end
function M.WHY.pw(tg)
  if not tg.simd then
    local mr, nr = tg.pw_mr, tg.pw_nr
    return fmt("%d pixels x %d channels = %d accumulators + %d inputs + %d weights = %d live values, inside a " ..
      "32-register FPU; each weight load feeds %d MACs and each input load %d MACs", mr, nr, mr * nr, mr, nr,
      mr * nr + mr + nr, mr, nr)
  end
  local most = 0
  for _, c in ipairs(tg.pw_tiles) do most = math.max(most, c[1] * c[2]) end
  return fmt("accumulators (at most %d) + weight vectors + a broadcast input within the %d %s registers; each " ..
    "weight vector feeds one FMA per pixel row", most, tg.regs, tg.reg)
end

---------------------------------------------------------------- targets

-- The note of a TARGET=native run (empty for an explicit target): what the
-- build machine resolved it to.
function M.native(requested, resolved)
  if requested ~= "native" then return "" end
  if resolved == "scalar" then
    return "TARGET=native resolved to scalar: the build machine has no AVX2+FMA, AVX-512F or NEON."
  end
  return "TARGET=native resolved to " .. resolved .. " on the build machine."
end

---------------------------------------------------------------- depthwise

local function tail_text(tail, how)
  if tail == 0 then return ", no tail" end
  return fmt(" + a generated %d-channel tail", tail) .. (how and (" (" .. how .. ")") or "")
end

-- The channel tile of a depthwise stage.
function M.dw_tile(st)
  local w, C, mult = st.tile_why, st.C, st.mult
  local tg = targets[st.target]
  if st.simd and tg.dw_vec then
    return fmt("1 channel (x multiplier %d = %d accumulator%s) x %d output pixel%s per tile (%s); C = %d: " ..
      "%d tiles", mult, mult, s_if(mult), w.ur, s_if(w.ur), M.WHY.dw(tg, w.ur), C, w.nfull)
  end
  if st.simd then
    return fmt("%d input channel%s (x multiplier %d = %d outputs, %d vector%s of %d) per tile, %d output " ..
      "pixels per step (%s); C = %d: %d full tile%s%s", w.ct, s_if(w.ct), mult, w.ct * mult, w.nv, s_if(w.nv),
      tg.vw, w.ur, M.WHY.dw(tg), C, w.nfull, s_if(w.nfull),
      tail_text(w.tail, tg.masked and "masked loads and stores" or "scalar code"))
  end
  local text
  local why = M.WHY.dw_channels(targets.scalar)
  if mult == 1 then
    text = fmt("%d channels per tile (%s); C = %d: %d full tile%s%s", w.ct, why, C, w.nfull, s_if(w.nfull),
      tail_text(w.tail))
  else
    text = fmt("%d input channel%s x multiplier %d = %d accumulators per tile (%s); C = %d: %d full tile%s%s",
      w.ct, s_if(w.ct), mult, w.ct * mult, why, C, w.nfull, s_if(w.nfull), tail_text(w.tail))
  end
  if w.simd_nv and tg.dw_vec then
    text = fmt("multiplier %d: more than the 4 accumulators a pixel a one-channel tile allows: ", mult) .. text
  elseif w.simd_nv then
    text = fmt("no %s specialization for this stage (multiplier %d: lcm(%d, %d)/%d = %d vectors per tile " ..
      "exceeds the 4 this target's tile allows): portable scalar code. ", tg.name, mult, tg.vw, mult, tg.vw,
      w.simd_nv) .. text
  end
  return text
end

-- Unrolled border regions or a staged copy.
function M.borders(st)
  if st.staged then
    return fmt("borders staged through a zero-padded %dx%dx%d copy of the input: unrolling every border " ..
      "class would take about %d lines of C (budget %d)", st.staged.PH, st.staged.PW, st.C, st.border_lines,
      st.border_budget)
  end
  return fmt("%d row class%s x %d column class%s, padding resolved at generation time (about %d lines of C)",
    #st.rows, #st.rows == 1 and "" or "es", #st.cols, #st.cols == 1 and "" or "es", st.border_lines)
end

-- The order of a depthwise stage over its image.
function M.dw_order(st)
  local o, tg, t1 = st.order, targets[st.target], st.tiles[1]
  if o.kind == "scalar" then return "one pass, pixels outer (scalar code)" end
  if o.kind == "tail" then
    return "row by row, each channel tile over the row in turn (the channel tail is scalar code)"
  end
  if o.kind == "blocks" then
    return fmt("%d passes over the %d KiB input (it fits the %d KiB of L2 planned for it), over blocks of %d " ..
      "channels%s: %d input rows x %d channels = %d KiB exceed the %d KiB of L1 planned for them, %d channels' " ..
      "rows fit", o.passes, kib(o.in_bytes), kib_floor(tg.dw_l2), st.cb * t1.ct,
      st.tiles[2] and " and the tail" or "", st.kh, st.C, kib(o.rows_bytes), kib_floor(tg.dw_l1), st.cb * t1.ct)
  end
  local why
  if o.kind == "l1" then
    why = fmt("within the %d KiB of L1 planned for them", kib_floor(tg.dw_l1))
  elseif o.kind == "l2" then
    why = fmt("beyond L1, but the %d KiB input exceeds the %d KiB of L2 planned for it, so passes over channel " ..
      "blocks would each stream part of every line", kib(o.in_bytes), kib_floor(tg.dw_l2))
  else
    why = "beyond L1, but " .. (o.cb_max and fmt("the largest block dividing the %d tiles holds %d channels, less " ..
      "than two cache lines of a pixel", t1.count, o.cb_max * t1.ct) or "there is one channel tile")
  end
  return fmt("one pass: each group of pixels runs through every channel tile (%d input rows x %d channels = " ..
    "%d KiB, %s)", st.kh, st.C, kib(o.rows_bytes), why)
end

-- Output rows in pairs (nil when the stage has none; `on`, when given,
-- says whether the stage runs them: a fused layer's bands decide).
function M.row_pairs(st, on)
  if on == nil then on = st.pairs end
  if not on then return nil end
  local t1 = st.tiles[1]
  return fmt("output rows in pairs (2 x %d pixels x %d vector%s = %d accumulators): %s", st.ur, t1.nv,
    s_if(t1.nv), 2 * st.ur * t1.nv, st.pairs_why == "l2" and "the input rows both read are loaded from L2 once" or
    "twice the independent FMA chains of one row, each weight vector loaded once for both rows")
end

-- The order, with the row pairs when there are.
local function dw_order_pairs(st, on)
  local pr = M.row_pairs(st, on)
  return M.dw_order(st) .. (pr and ("; " .. pr) or "")
end

---------------------------------------------------------------- projection

local function tiles_text(tg)
  return table.concat(util.map(tg.pw_tiles, function(c) return int(c[1]) .. "x" .. int(c[2]) end), ", ")
end

-- Why the register tile (the parenthesis of the tile sentence).
local function pw_tile_why(st)
  local t, tg = st.tile, targets[st.target]
  if st.pair then
    local pr, half, VW = st.pair, util.idiv(tg.vw, 2), tg.vw
    return fmt("pixel pairs: %d pairs x %d vectors, each vector %d outputs of 2 pixels; %d outputs are %d half " ..
      "vectors, so pixel-major tiles leave half of a vector idle: of this target's register tiles (%s) the best " ..
      "costs %s cycles per input channel, pairs %s (%s%% of the FMA peak; the inputs repacked to a %d KiB stack " ..
      "buffer per tile, %d input channels padded to %d); %s", pr.R, pr.nv, half, st.cout_g, pr.nv, tiles_text(tg),
      util.fixed(t.cost, 1), util.fixed(pr.cost, 1), util.fixed(100 * st.P * st.cout_g / VW / 2 / pr.cost, 0),
      kib(pr.R * pr.k16 * 8), st.cin, pr.k16, M.WHY.pw(tg))
  elseif t.kind == "simd" then
    return fmt("%d pixels x %d vector%s: of this target's register tiles (%s) the one with the fewest estimated " ..
      "cycles per input channel, tails included (%s cycles, %s%% of the FMA peak; a tile step costs the most of " ..
      "its FMAs / 2, its loads / 2 and 4 cycles of FMA latency); %s", math.min(t.rows, st.P), t.vecs, s_if(t.vecs),
      tiles_text(tg), util.fixed(t.cost, 1), util.fixed(100 * st.P * t.cout_g / tg.vw / 2 / t.cost, 0),
      M.WHY.pw(tg))
  elseif t.kind == "no_vectors" then
    return "outputs per group not a whole number of " .. tg.name .. " vectors and no masked loads: portable " ..
      "scalar code"
  elseif t.kind == "gather" then
    return "no " .. tg.name .. " specialization for gathered topologies: portable scalar code; " ..
      M.WHY.pw(targets.scalar)
  end
  return M.WHY.pw(targets.scalar)
end

-- The loop order of a projection stage.
function M.pw_order(st)
  local wbytes = 4 * st.wfloats
  local text
  if st.pair then
    text = fmt("one panel (%d KiB of weights): pixel tiles in order", kib(wbytes))
  elseif not st.simd then
    text = "pixel tiles outer, then channel panels (scalar code)"
  elseif st.pixel_outer then
    text = fmt("pixel tiles outer: all %d KiB of weights stay in L1 across the panels", kib(wbytes))
  else
    text = fmt("%s outer, then panels (%d KiB of weights each, kept in L1/L2), then pixel tiles",
      st.nloop > 0 and fmt("blocks of %d pixels (%d KiB of input, kept in L2)", st.pblock,
        kib(4 * st.pblock * st.cin)) or
        fmt("one block of all %d pixels (%d KiB of input)", st.P, kib(4 * st.P * st.cin)),
      kib(4 * st.panel_stride))
  end
  if st.prefetch then
    text = text .. fmt("; each full tile prefetches into L2 its share of the next panel, one %d-byte line every %d " ..
      "input channel%s (spread over the %d tiles of a block)", targets[st.target].line_bytes, st.prefetch.every,
      s_if(st.prefetch.every), st.prefetch.tiles)
  end
  return text
end

-- The projection's tile sentence: what it computes, its tile and why, its
-- tails, its order.
function M.pw_tile(st)
  local mode, G, cout_g, S = st.mode, st.G, st.cout_g, st.S
  local what = ({ dense = "dense", groups = "grouped (" .. int(G) .. " groups of " .. int(cout_g) ..
                  " outputs, each reading " .. int(S) .. " contiguous inputs)",
                  gather = "topology with gathered sources (index table)",
                  classes = "topology as " .. int(G) .. " dense GEMMs of " .. int(cout_g) .. " outputs, each over " ..
                    "its window's " .. int(S) .. " sources (index table)" })[mode]
  local text = fmt("%s projection, %d pixels x %d outputs x %d inputs: %dx%d register tile (%s); %d pixel tiles%s, " ..
    "%d channel panel%s%s; %s", what, st.P, st.cout, S, st.mr, st.nr, pw_tile_why(st), math.floor(st.P / st.mr),
    st.ptail > 0 and (" + " .. int(st.ptail) .. "-pixel tail") or "", st.npanels, s_if(st.npanels),
    st.ntail > 0 and (" + " .. int(st.ntail) .. "-channel tail" ..
      (not st.simd and "" or st.tail_vec and " (masked vector code)" or " (scalar code: no masked loads)")) or "",
    M.pw_order(st))
  if st.istride ~= st.cin then
    text = text .. fmt("; input pixels %d floats apart: the depthwise stage pads each pixel of the intermediate by " ..
      "%d floats, since %d-float rows would all share L1 sets", st.istride, st.istride - st.cin, st.cin)
  end
  return text
end

---------------------------------------------------------------- fusion

-- The fusion decision of a separable layer (nil for other layers).
function M.fusion(p)
  local d, tg = p.fusion, targets[p.target]
  if not d then return nil end
  if d.kind == "staged" then return "not fused: the depthwise stage reads a staged copy of its whole input" end
  if d.kind == "never" then return "not fused: --fuse never" end
  if d.kind == "fits" then
    return fmt("not fused: the %d KiB intermediate stays in %s between the two stages", kib(d.mid_bytes),
      d.simd and fmt("L2 (%d KiB planned)", kib_floor(d.limit)) or fmt("scratch (at most %d KiB)", kib_floor(d.limit)))
  end
  if d.kind == "weights_l1" then
    return fmt("not fused: the projection's %d KiB of weights exceed the %d KiB a band may re-read from L1, so " ..
      "every band would stream them again from L2", kib(d.wbytes), kib_floor(d.wmax))
  end
  if d.kind == "one_row" then
    return fmt("not fused: bands would be one output row (%d KiB of depthwise output a row), too short for the " ..
      "depthwise stage's output rows in pairs", kib(d.row_bytes))
  end
  if d.kind == "reread" then
    return fmt("not fused: %d bands would re-read the %d KiB of projection weights (%d KiB of traffic) to save " ..
      "writing and re-reading a %d KiB intermediate", d.nbands, kib(d.wbytes), kib((d.nbands - 1) * d.wbytes),
      kib(d.mid_bytes))
  end
  if d.kind == "blocks" then
    return fmt("not fused (threads): its %d output rows would split unevenly between %d tasks, so each task " ..
      "computes the whole %d KiB depthwise output and then projects its block of output channels (the busiest " ..
      "task: %s projection-MAC equivalents against %s in row bands)", d.rows, d.threads, kib(d.mid_bytes),
      util.human(d.by_blocks), util.human(d.by_rows))
  end
  local why = d.always == "threads" and " (to share its bands between threads)" or
    d.always and " (--fuse always)" or ""
  local text = fmt("fused%s: bands of %d output row%s (%d KiB of depthwise output, %d pixels per projection) " ..
    "instead of a %d KiB intermediate", why, d.B, s_if(d.B), kib(d.B * d.row_bytes), d.pixels, kib(d.mid_bytes))
  local s = p.fused.prefetch
  if s then
    text = text .. fmt("; each band's projection prefetches into L2 the %d KiB of input rows the next band reads " ..
      "first (the %d KiB input does not stay in L2), %d %d-byte line%s per input channel step of its full tiles " ..
      "(%d steps)", kib(tg.line_bytes * s.lines), kib(d.in_bytes), s.per, tg.line_bytes, s_if(s.per), s.steps)
  end
  return text
end

---------------------------------------------------------------- comments

function M.act_name(act)
  if not act then return "none" end
  if act.kind then return act.kind end
  if act.lo == 0 and act.hi == 6 then return "relu6" end
  if act.lo == 0 and not act.hi then return "relu" end
  return "clamp [" .. (act.lo and fmt("%.9g", act.lo) or "-inf") .. ", " ..
         (act.hi and fmt("%.9g", act.hi) or "+inf") .. "]"
end

local function taps_text(taps)
  if #taps == 0 then return "none" end
  local a, b = taps[1].t, taps[#taps].t
  if #taps == b - a + 1 then
    if a == b then return int(a) end
    return int(a) .. ".." .. int(b)
  end
  return table.concat(util.map(taps, function(t) return int(t.t) end), ",")
end

-- The comment over one border region of a depthwise stage: its output rows
-- and columns and the kernel taps they read.
function M.region(st, rc, cc)
  local function axis(c, what)
    if st.band and what == "rows" then
      return what .. " y0" .. (st.band.n > 1 and ("..y0 + " .. int(st.band.n - 1)) or "")
    end
    local first, last = c.b * c.v0 + c.r, c.b * (c.v1 - 1) + c.r
    local s = what .. " " .. int(first)
    if last ~= first then
      s = s .. ".." .. int(last)
      if c.b > 1 then s = s .. " step " .. int(c.b) end
    end
    return s
  end
  return axis(rc, "rows") .. " x " .. axis(cc, "cols") .. ": kernel rows " .. taps_text(rc.taps) ..
         ", cols " .. taps_text(cc.taps) .. (#rc.taps * #cc.taps == st.kh * st.kw and " (interior)" or "")
end

-- Whether stage i of layer plan p runs output rows in pairs: a fused
-- layer's depthwise stage runs as its bands, which decide (nil: the
-- stage's own plan).
local function runs_pairs(p, i)
  if i == 1 and p.fused then return p.fusion.pairs end
  return nil
end

local ilist = util.ilist

local function kernel_line(L)
  local pad = L.pad == "same" and "SAME" or L.pad == "valid" and "VALID" or "explicit"
  return fmt("kernel %dx%d, stride %dx%d, dilation %dx%d, padding %s (top %d, left %d, bottom %d, right %d)%s", L.kh,
    L.kw, L.sh, L.sw, L.dh, L.dw, pad, L.pt, L.pl, L.pb, L.pr, L.mult > 1 and (", multiplier " .. L.mult) or "")
end

local POOLED = { avg = "average", max = "maximum" }
STAGE_WORD = { pw = "projection", spatial = "depthwise", conv = "convolution", pool = "pool",
               gpool = "global pool", softmax = "softmax", scale = "scale" }
local NOT_FACTORIZED = { conv = true, pool = true, fc = true, se = true, softmax = true }

-- The lines saying what layer L computes (after its shapes).
local function op_lines(L, add)
  local op = L.op
  if op == "conv" then
    add(kernel_line(L) .. ((L.groups or 1) > 1 and (fmt(", %d groups", L.groups)) or ""))
  elseif op == "pool" then
    if L.global then
      add(fmt("global %s over the %dx%d pixels", POOLED[L.pool], L.H, L.W))
    else
      add(kernel_line(L))
      add(fmt("%s over %s", POOLED[L.pool], L.pool == "max" and "the window cells inside the input" or
        L.count_pad and fmt("%dx%d cells (count_pad)", L.kh, L.kw) or "the window cells inside the input"))
    end
  elseif op == "fc" then
    add(fmt("fully connected: %d -> %d (the input flattened in NHWC order)", L.H * L.W * L.C, L.OC))
  elseif op == "se" then
    add(fmt("squeeze-excite: the channel means, %d -> %d (se_act %s), %d -> %d (gate %s), the input scaled per " ..
      "channel", L.C, L.reduce, M.act_name(L.se_act), L.reduce, L.C, M.act_name(L.gate)))
  elseif op == "softmax" then
    add(fmt("softmax over the %d channels of each pixel", L.C))
  elseif op ~= "pwconv" then
    add(kernel_line(L))
  end
  if L.pw then
    local kind = "dense"
    if L.pw.groups > 1 then
      kind = L.pw.groups .. " groups"
    elseif L.pw.topo then
      kind = "topology grid_in {" .. ilist(L.pw.topo.grid_in) .. "}, grid_out {" ..
             ilist(L.pw.topo.grid_out) .. "}, window {" .. ilist(L.pw.topo.window) .. "}"
    end
    add(fmt("projection %d -> %d channels, %s, %d inputs per output", L.pw.cin, L.pw.cout, kind, L.pw.S))
  end
  if L.up then
    add(fmt("up: transposed depthwise %dx%d, stride %dx%d, to %dx%d (forward padding top %d, left %d, bottom %d, " ..
      "right %d)", L.up.kh, L.up.kw, L.sh, L.sw, L.OH, L.OW, L.up.pt, L.up.pl, L.up.pb, L.up.pr))
  end
  local acts = {}
  if L.op == "separable" or L.op == "bottleneck" then acts[#acts + 1] = "dw_act " .. M.act_name(L.dw_act) end
  if L.op == "bottleneck" then acts[#acts + 1] = "mid_act " .. M.act_name(L.mid_act) end
  acts[#acts + 1] = "act " .. M.act_name(L.act)
  acts[#acts + 1] = "bias " .. (L.bias and "yes" or "no")
  if L.residual == "self" then acts[#acts + 1] = "residual: the layer's input" end
  if L.residual == "named" then
    acts[#acts + 1] = "residual: the input of \"" .. L.skip_name .. "\" (argument skip)"
  end
  add(table.concat(acts, ", "))
end

-- The tile of a stage of the whole-network ops.
local function net_stage_tile(st)
  if st.kind == "conv" then
    return fmt("%d output channel%s x %d pixel%s a step%s; %d panel%s of %d a group%s", st.nr, s_if(st.nr), st.ur,
      s_if(st.ur), st.why_scalar and " (scalar code: panels not whole vectors, no masks)" or
      st.isa.vw == 1 and " (scalar code)" or "", st.npanels, s_if(st.npanels), st.nr,
      st.ntail > 0 and fmt(" + a %d-channel tail", st.ntail) or "")
  end
  return fmt("%d channel%s a step (scalar code)", st.tiles[1].nacc, s_if(st.tiles[1].nacc))
end

-- The lines of stage i of layer plan p.
local function stage_lines(p, i, st, add)
  if st.kind == "spatial" then
    add(fmt("stage %d: %s %dx%d -> %dx%dx%d", i, st.deconv and "transposed depthwise" or "depthwise", st.kh, st.kw,
      st.OH, st.OW, st.OC))
    add("  tile: " .. M.dw_tile(st))
    add("  borders: " .. M.borders(st))
    add("  order: " .. dw_order_pairs(st, runs_pairs(p, i)))
    if i == 1 and p.fusion then add("  " .. M.fusion(p)) end
  elseif st.kind == "pw" then
    add(fmt("stage %d: projection %d pixels, %d -> %d channels", i, st.P, st.cin, st.cout))
    add("  tile: " .. M.pw_tile(st))
  elseif st.kind == "conv" or st.kind == "pool" then
    add(fmt("stage %d: %s %dx%d -> %dx%dx%d", i, st.kind == "conv" and "convolution" or (POOLED[st.pool] .. " pool"),
      st.kh, st.kw, st.OH, st.OW, st.OC))
    add("  tile: " .. net_stage_tile(st))
    add("  borders: " .. M.borders(st))
  elseif st.kind == "gpool" then
    add(fmt("stage %d: global %s over %d pixels -> %d channels (%s)", i, POOLED[st.pool], st.P, st.C,
      st.isa and fmt("vector code: %d vectors of channels per pass over the pixels", st.nv) or "scalar code"))
  elseif st.kind == "softmax" then
    add(fmt("stage %d: softmax over %d channels, %d pixels (scalar code)", i, st.C, st.P))
  else
    add(fmt("stage %d: the input times the gate, %d pixels x %d channels (%s)", i, st.P, st.C,
      st.isa and "vector code" or "scalar code"))
  end
end

-- The weights layer L expects.
local function weight_lines(L, add)
  local C, OC = L.C, L.OC
  add("weights (sg_weights, TFLite layouts):")
  if L.op == "dwconv" or L.op == "separable" then
    add(fmt("  dw_w [%d][%d][%d], dw_b [%d]", L.kh, L.kw, C * L.mult, C * L.mult))
  elseif L.op == "dwdeconv" or L.op == "bottleneck" then
    add(fmt("  dw_w [%d][%d][%d], dw_b [%d]", L.kh, L.kw, C, C))
  elseif L.op == "conv" then
    add(fmt("  conv_w [%d][%d][%d][%d], conv_b [%d]", OC, L.kh, L.kw, util.idiv(C, L.groups or 1), OC))
  elseif L.op == "fc" then
    add(fmt("  fc_w [%d][%d], fc_b [%d]", OC, L.H * L.W * C, OC))
  elseif L.op == "se" then
    add(fmt("  se_w1 [%d][%d], se_b1 [%d], se_w2 [%d][%d], se_b2 [%d]", L.reduce, C, L.reduce, C, L.reduce, C))
  elseif L.op == "pool" or L.op == "softmax" then
    add("  none")
  end
  if L.pw then add(fmt("  pw_w [%d][%d], pw_b [%d]", L.pw.cout, L.pw.S, L.pw.cout)) end
  if L.up then add(fmt("  up_w [%d][%d][%d], up_b [%d]", L.up.kh, L.up.kw, OC, OC)) end
  if not L.bias and L.op ~= "pool" and L.op ~= "softmax" then
    add("  (bias = false: the bias pointers are not read and may be NULL)")
  end
end

-- Lines wrapped at 96 columns, continuation lines indented 4 more.
local function wrap(t)
  local r = {}
  for _, line in ipairs(t) do
    local indent = line:match("^(%s*)")
    while #line > 96 do
      local cut = line:sub(1, 96):match("^.*() ")
      if not cut or cut <= #indent + 10 then break end
      r[#r + 1] = line:sub(1, cut - 1)
      line = indent .. "    " .. line:sub(cut + 1)
    end
    r[#r + 1] = line
  end
  return r
end

-- The comment block of one layer: shapes, what it computes, cost, each
-- stage's tile and reasons, the weight layout it expects; lines wrapped at
-- 96 columns.
function M.layer_comment(p)
  local L = p.L
  local t = {}
  local function add(s) t[#t + 1] = s end
  add(fmt("input %dx%dx%d -> output %dx%dx%d (NHWC, float32)", L.H, L.W, L.C, L.OH, L.OW, L.OC))
  op_lines(L, add)
  if p.std_macs ~= p.macs or not NOT_FACTORIZED[L.op] then
    add(fmt("MACs %s (standard convolution: %s, %sx fewer), parameters %s", int(p.macs), int(p.std_macs),
      util.fixed(p.std_macs / p.macs, 1), int(p.params)))
  else
    add(fmt("MACs %s, parameters %s", int(p.macs), int(p.params)))
  end
  add(fmt("packed weights %s floats, scratch %s floats", int(p.packed_floats), int(p.scratch_floats)))
  for i, st in ipairs(p.stages) do
    add("")
    stage_lines(p, i, st, add)
  end
  add("")
  weight_lines(L, add)
  return wrap(t)
end

---------------------------------------------------------------- kernels

-- The one-line comment that opens the function of stage i of layer L,
-- named with tile `tname`: its template, layer, stage, band and tile.
function M.kernel(L, i, st, tname)
  local what, band, tile
  if st.kind == "pw" then
    what = fmt("projection %d -> %d, %d pixels", st.cin, st.cout, st.P)
    tile = fmt("%d pixels x %d channels%s", st.mr, st.nr, st.pair and " in pixel pairs" or "")
  elseif st.kind == "conv" then
    what = fmt("convolution %dx%d, %d -> %d", st.kh, st.kw, st.C, st.OC)
    tile = fmt("%d channels x %d pixel%s", st.nr, st.ur, s_if(st.ur))
  elseif st.kind == "pool" then
    what = fmt("%s pool %dx%d", POOLED[st.pool], st.kh, st.kw)
    tile = fmt("%d channels x 1 pixel", st.tiles[1].nacc)
  elseif st.kind == "gpool" or st.kind == "softmax" or st.kind == "scale" then
    what = st.kind == "gpool" and fmt("global %s over %d pixels", POOLED[st.pool], st.P) or
      st.kind == "softmax" and fmt("softmax over %d channels", st.C) or "the input times the gate"
    tile = fmt("%d channels x 1 pixel", M.flat_tile(st))
  else
    what = fmt("%s %dx%d", st.deconv and "transposed depthwise" or "depthwise", st.kh, st.kw)
    tile = fmt("%d channels x %d pixel%s%s", st.tiles[1].nacc, st.ur, s_if(st.ur),
      st.pairs and ", rows in pairs" or "")
  end
  if st.band then
    band = fmt(", band of %d row%s (row class %d)", st.band.n, s_if(st.band.n), st.band.ri)
  elseif st.band_rows then
    band = fmt(", band of %d row%s", st.band_rows, s_if(st.band_rows))
  elseif st.band_pixels then
    band = fmt(", band of %d pixel%s", st.band_pixels, s_if(st.band_pixels))
  end
  return fmt("%s: layer %s, stage %d (%s)%s: tile %s, %s%s", st.template, L.name, i, what, band or "", tname, tile,
    st.simd and "" or " (scalar code)")
end

-- What a named offset of a layer driver holds (the enum's comments).
function M.offset(what, stage)
  if what == "layer_out" then return fmt("the output of %s", stage) end
  if what == "layer_w" then return fmt("the packed weights of %s", stage) end
  if what == "layer_pad" then return fmt("zeros up to the next 64-byte boundary after %s's weights", stage) end
  if what == "layer_scratch" then return fmt("the scratch of %s", stage) end
  if what == "out" then return fmt("stage %d's output in scratch", stage) end
  if what == "w" then return fmt("stage %d's packed weights", stage) end
  if what == "o_first" then return fmt("stage %d's first output channel", stage) end
  if what == "stage" then return fmt("stage %d's zero-padded input copy in scratch", stage) end
  return ({ in_row = "floats of an input row", in_h = "input rows", out_row = "floats of an output row",
            in_pixel = "floats of an input pixel", out_pixel = "floats of an output pixel" })[what]
end

-- The comment of a fused layer's loop over bands of n rows.
function M.band_loop(n)
  return fmt("bands of %d rows", n)
end

-- The comment over a topology stage's index table.
function M.index_table(mode)
  if mode == "classes" then
    return "source channels of each class of outputs (a window of the topology), increasing"
  end
  return "source channels of every output channel, increasing (README \"Layer semantics\", topology)"
end

---------------------------------------------------------------- threads

-- How layer p runs in N_forward_par (plan_par.split), one sentence.
function M.par(p)
  local s = p.par
  if s.kind == "bands" and s.direct then
    return fmt("split: each task computes its share of the %d output rows (at most %d tasks)", s.rows, s.threads)
  end
  if s.kind == "bands" and s.unit == "channels" then
    return fmt("split: %d blocks of output channels, each its own stage reading only its rows of the weights; " ..
      "each task the blocks in its share (at most %d tasks%s)", s.nb, s.threads,
      s.task_floats > 0 and fmt(", each computing the depthwise output first into its own %s buffer",
        M.mem(s.task_floats)) or "")
  end
  if s.kind == "bands" then
    return fmt("split: %d bands, each task those that start in its share of the %d %s (at most %d tasks%s)",
      s.nb, s.rows, s.unit == "pixels" and "pixels (its rows would split unevenly)" or "rows", s.threads,
      s.task_floats > 0 and fmt(", each with its own %s band buffer", M.mem(s.task_floats)) or "")
  end
  if s.why == "threads" then return "not split (built for one thread: make gen THREADS=n splits layers)" end
  if s.why == "small" then
    return fmt("not split: %s MACs, under the %s a parallel call must save (targets.lua par_min_macs)",
      util.human(s.macs), util.human(s.min))
  end
  if s.why == "rows" then return "not split: one band of rows, nothing to share" end
  if s.why == "staged" then
    return "not split: it copies its whole input into a zero-padded buffer first (staged borders)"
  end
  if s.why == "topology" then return "not split: a projection read through index tables runs on one thread" end
  if s.why == "unfused" then
    return fmt("not split: only fused bands are shared between tasks, and this layer is not fused (%s)", s.fusion)
  end
  return "not split: this kind of layer runs on one thread"
end

---------------------------------------------------------------- report

-- The plan decisions a user should see in the cost report: fusion, stages
-- without SIMD code, scalar tails, staged borders and depthwise passes
-- over channel blocks.  One line each.
function M.report_notes(plan)
  local notes = {}
  local function note(i, L, s) notes[#notes + 1] = fmt("  %d %s: %s", i, L.name, s) end
  for i, lp in ipairs(plan.layers) do
    local L = lp.L
    if lp.fusion then note(i, L, M.fusion(lp)) end
    if (plan.threads or 1) > 1 then note(i, L, "threads: " .. M.par(lp)) end
    for si, st in ipairs(lp.stages) do
      local scalar_code = st.template and st.template:match("^scalar/")
      if plan.target ~= "scalar" and scalar_code then
        note(i, L, fmt("stage %d (%s) has no %s specialization: portable scalar code", si,
          STAGE_WORD[st.kind], plan.target))
      end
      local dt = st.kind == "spatial" and not scalar_code and st.tiles[2]
      if dt and not dt.vec then
        note(i, L, fmt("stage %d (%s): its %d-channel tail is portable scalar code (%s has no masked loads)", si,
          st.deconv and "depthwise deconvolution" or "depthwise", dt.ct, plan.target))
      end
      if st.kind == "pw" and st.simd and not st.pair and st.ntail > 0 and not st.tail_vec then
        note(i, L, fmt("stage %d (projection): its %d-channel tail panel is portable scalar code (%s has no masked " ..
          "loads)", si, st.ntail, plan.target))
      end
      if st.staged then note(i, L, fmt("stage %d: %s", si, M.borders(st))) end
      if st.cb then note(i, L, fmt("stage %d: depthwise in %s", si, dw_order_pairs(st, runs_pairs(lp, si)))) end
    end
  end
  return notes
end

-- The channels a step of a gpool, softmax or scale stage covers.
function M.flat_tile(st)
  if st.kind == "gpool" then return st.isa and math.min(st.C, st.nv * st.isa.vw) or math.min(8, st.C) end
  return st.C
end

-- bytes of n floats, as KiB below 1 MiB, else MiB with two decimals
local function mem(n)
  local b = n * 4
  if b < 1024 * 1024 then return fmt("%d KiB", kib(b)) end
  return util.fixed(b / (1024 * 1024), 2) .. " MiB"
end
M.mem = mem

local OPTIMIZE_WORD = {
  speed = "--optimize speed (separable layers fused where it pays)",
  memory = "--optimize memory (every separable layer fused)",
}

-- The report's code-size line: lines of C in <net>.c, a proxy for flash
-- (the bytes depend on the compiler and its flags: make bench-mcu measures
-- them for Cortex-M4F).
function M.code_line(p, code)
  local tg = targets.get(p.target, p.optimize)
  local s = fmt("code: %s.c is %d lines of C (kernels, packing, N_forward)", p.net.name, code.lines)
  if code.speed_lines then
    return s .. fmt("; --optimize size (%d pixel%s a depthwise or conv tile, border budget %d lines) against " ..
      "%d lines with --optimize speed", tg.dw_ur, s_if(tg.dw_ur), tg.border_budget, code.speed_lines)
  end
  if tg.simd then return s .. " (lines, not bytes)" end
  return s .. " (lines, not bytes: make bench-mcu measures the bytes on a Cortex-M4F); --optimize size writes less"
end

-- The report's register line: what the scalar target's tiles assume of
-- the FPU (nil on SIMD targets, whose tiles the code comments explain).
function M.register_line(p)
  local tg = targets.get(p.target, p.optimize)
  if tg.simd then return nil end
  local cur = math.min(tg.dw_ur, math.floor(tg.dw_acc / 4))
  return fmt("registers: tiles sized for %d single-precision FPU registers (Cortex-M4F/M7: s0-s31), every " ..
    "accumulator a named float: depthwise tiles of %d output pixel%s x one channel's outputs (at most %d " ..
    "accumulators; multipliers beyond 4: channel tiles of at most %d), conv tiles of %d pixel%s x 4 output " ..
    "channels, projection tiles of %d pixels x %d channels; a core with 16 registers spills some",
    tg.regs, tg.dw_ur, s_if(tg.dw_ur), tg.dw_acc, tg.ch_acc, cur, s_if(cur), tg.pw_mr, tg.pw_nr)
end

-- The report's memory lines for net plan `plan` (one chain: plan.arena),
-- and `alt`, the arena of the same net under the other --optimize mode.
function M.memory_lines(plan, optimize, alt)
  local a = plan.arena
  if not a then
    return { "memory: no N_forward (the file is not one chain); per layer, the sizes in the header" }
  end
  local at = plan.layers[a.bound_at].L
  -- --optimize size fuses as speed does (its arena: this plan's)
  local this = optimize == "memory" and "memory" or "speed"
  local arena_of = { [this] = a.arena_floats }
  if alt then arena_of[this == "speed" and "memory" or "speed"] = alt.arena_floats end
  local here = optimize == "size" and " (this plan, --optimize size)" or " (this plan)"
  local function mode(m) return arena_of[m] and mem(arena_of[m]) or "not planned" end
  local first = a.bound == 0
    and fmt("memory (N_forward): no arena (no tensor between in and out, no scratch); packed weights %s " ..
      "(%d floats); in and out are the caller's", mem(a.packed_floats), a.packed_floats)
    or fmt("memory (N_forward): arena %s (%d floats) = %s of its lower bound %s, the tensors and scratch live " ..
      "across layer %d %s; packed weights %s (%d floats); in and out are the caller's",
      mem(a.arena_floats), a.arena_floats, util.fixed(100 * a.arena_floats / a.bound, 1) .. "%", mem(a.bound),
      a.bound_at, at.name, mem(a.packed_floats), a.packed_floats)
  local lines = {
    first,
    fmt("  arena by mode: %s %s%s; %s %s%s", OPTIMIZE_WORD.speed, mode("speed"),
      this == "speed" and here or "", OPTIMIZE_WORD.memory, mode("memory"), this == "memory" and here or ""),
    "  in place: no layer (every kernel writes a buffer apart from its input)",
  }
  return lines
end

return M
