-- bench/mcu/report.lua NETDIR NET SHAPES COMMIT CONFIG...: the table of
-- `make bench-mcu` for one net, from what bench/mcu/run.sh left in NETDIR:
-- per CONFIG (board and optimization level, e.g. m4-O2) the program's log
-- (run.log: raw SysTick ticks, bench/mcu/bench.c), the symbol sizes of the
-- net's objects (net.nm, before the link drops anything) and of the image
-- (elf.nm: the library functions the code calls), gcc's call graphs with
-- each function's frame (-fcallgraph-info=su: NET.ci, sg_generic.ci), the
-- compiler flags (cflags) and arm-none-eabi-size of the image (size).
-- Prints the table and writes NETDIR/report.txt and NETDIR/report.csv.
local netdir, net, shapes, commit = arg[1], arg[2], arg[3], arg[4]
local configs = {}
for i = 5, #arg do configs[#configs + 1] = arg[i] end
if not commit or #configs == 0 then
  io.stderr:write("usage: lua bench/mcu/report.lua NETDIR NET SHAPES COMMIT CONFIG...\n")
  os.exit(2)
end

local INSNS_PER_TICK = 40 -- tests/mcu/mcu.h
local BOARDS = {
  m4 = "Cortex-M4F, qemu-system-arm -M mps2-an386",
  m7 = "Cortex-M7, qemu-system-arm -M mps2-an500",
}
local OPS = { "dwconv", "pwconv", "separable", "dwdeconv", "bottleneck", "conv", "pool", "fc", "se", "softmax" }

local script = arg and arg[0] or "bench/mcu/report.lua"
local here = script:match("^(.*)[/\\][^/\\]*$") or "."
package.path = here .. "/../../gen/?.lua;" .. package.path
local slurp = require("files").read -- the bytes of a file, nil when unreadable

local function words(line)
  local t = {}
  for w in line:gmatch("%S+") do t[#t + 1] = w end
  return t
end

-- bench.c's lines: empty, layer, net (ticks as printed).
local function parse_log(path)
  local r = { layers = {} }
  for line in (slurp(path) or ""):gmatch("[^\n]+") do
    local w = words(line)
    if w[1] == "bench:" and w[2] == "empty" then
      r.empty = { tonumber(w[3]), tonumber(w[4]), tonumber(w[5]) }
    elseif w[1] == "bench:" and w[2] == "layer" then
      r.layers[#r.layers + 1] = {
        index = tonumber(w[3]), name = w[4], op = OPS[tonumber(w[5])] or w[5], macs = tonumber(w[6]),
        reps = tonumber(w[7]),
        gen = { tonumber(w[9]), tonumber(w[10]), tonumber(w[11]) }, gen_stack = tonumber(w[12]),
        generic = { tonumber(w[14]), tonumber(w[15]), tonumber(w[16]) }, generic_stack = tonumber(w[17]),
      }
    elseif w[1] == "bench:" and w[2] == "net" and w[4] == "gen" then
      r.net = {
        macs = tonumber(w[3]), reps = 1,
        gen = { tonumber(w[5]), tonumber(w[6]), tonumber(w[7]) }, gen_stack = tonumber(w[8]),
        generic = { tonumber(w[10]), tonumber(w[11]), tonumber(w[12]) }, generic_stack = tonumber(w[13]),
      }
    end
  end
  return r
end

-- Instructions of one call: the second (warm) of the three runs, less the
-- empty measurement's second run, over reps; and the spread of the three.
local function instr(runs, reps, empty)
  local lo, hi = math.huge, -math.huge
  for _, t in ipairs(runs) do
    if t < lo then lo = t end
    if t > hi then hi = t end
  end
  return (runs[2] - empty) * INSNS_PER_TICK / reps, (hi - lo) * INSNS_PER_TICK / reps
end

-- nm -S: name -> size, type.
local function parse_nm(path)
  local t = {}
  for line in (slurp(path) or ""):gmatch("[^\n]+") do
    local w = words(line)
    if #w == 4 then t[w[4]] = { size = tonumber(w[2], 16), type = w[3] } end
  end
  return t
end

-- The function a call-graph title names (static ones are "file:name").
local function title_name(t) return (t:match("([^:]+)$") or t):gsub("^__builtin_", "") end

-- gcc -fcallgraph-info=su: nodes (title -> name, frame bytes or nil for
-- functions compiled elsewhere) and edges.  A function the graph names only
-- in edges (gcc 12 leaves out the node of some static functions) gets its
-- frame from the -fstack-usage file supath.
local function parse_ci(path, supath)
  local g = { node = {}, edges = {}, by_name = {} }
  local su = {}
  for line in (slurp(supath) or ""):gmatch("[^\n]+") do
    local name, bytes = line:match("^.*:([^:\t]+)\t(%d+)\t")
    if name then su[name] = tonumber(bytes) end
  end
  for line in (slurp(path) or ""):gmatch("[^\n]+") do
    local title, label = line:match('^node: { title: "([^"]*)" label: "([^"]*)"')
    if title then
      local name = label:match("^([^\\]*)")
      local bytes = tonumber(label:match("\\n(%d+) bytes %("))
      name = name:gsub("^__builtin_", "")
      g.node[title] = { name = name, bytes = bytes }
      g.by_name[name] = g.by_name[name] or title
    end
    local s, d = line:match('^edge: { sourcename: "([^"]*)" targetname: "([^"]*)"')
    if s then
      g.edges[s] = g.edges[s] or {}
      g.edges[s][#g.edges[s] + 1] = d
      for _, t in ipairs({ s, d }) do
        if not g.node[t] and su[title_name(t)] then
          g.node[t] = { name = title_name(t), bytes = su[title_name(t)] }
          g.by_name[title_name(t)] = g.by_name[title_name(t)] or t
        end
      end
    end
  end
  return g
end

-- The deepest frame sum along any call path from function NAME, the set of
-- functions it reaches (titles), and the callees with no frame known (other
-- files: newlib's memset, memcpy, libm).
local function walk(g, name)
  local start = g.by_name[name]
  if not start then return nil end
  local memo, reach, unknown = {}, {}, {}
  local function depth(t)
    if memo[t] then return memo[t] end
    memo[t] = 0 -- no recursion in this code; a cycle would count once
    reach[t] = true
    local n = g.node[t]
    local own = n and n.bytes
    if not own then unknown[n and n.name or title_name(t)] = true end
    local deepest = 0
    for _, d in ipairs(g.edges[t] or {}) do
      local x = depth(d)
      if x > deepest then deepest = x end
    end
    memo[t] = (own or 0) + deepest
    return memo[t]
  end
  local total = depth(start)
  return total, reach, unknown
end

local function sorted_keys(t)
  local k = {}
  for x in pairs(t) do k[#k + 1] = x end
  table.sort(k)
  return k
end

-- Bytes of code the reached functions take: each function of the net's
-- object by its size there; library functions by their size in the image.
local function code_of(g, reach, netnm, elfnm, counted)
  local own, lib, libs = 0, 0, {}
  for _, t in ipairs(sorted_keys(reach)) do
    local name = g.node[t] and g.node[t].name or title_name(t)
    if not (counted and counted[name]) then
      if counted then counted[name] = true end
      if netnm[name] then
        own = own + netnm[name].size
      elseif elfnm[name] then
        lib = lib + elfnm[name].size
        libs[#libs + 1] = name
      end
    end
  end
  return own, lib, libs
end

local header = slurp(netdir .. "/out/" .. net .. ".h") or ""
local NET = net:upper()
local function macro(name) return tonumber(header:match("#define " .. name .. " (%d+)")) end

local function fmt_num(x, prec)
  if x == nil then return "-" end
  if x ~= x then return "nan" end
  return string.format("%." .. (prec or 0) .. "f", x)
end

local function human(n)
  if n >= 1e6 then return string.format("%.2fM", n / 1e6) end
  if n >= 1e3 then return string.format("%.1fk", n / 1e3) end
  return string.format("%d", n)
end

-- Everything per config.
local res = {}
for _, c in ipairs(configs) do
  local d = netdir .. "/" .. c
  local log = parse_log(d .. "/run.log")
  if not log.empty or #log.layers == 0 then
    io.stderr:write("bench-mcu: " .. d .. "/run.log has no measurements\n")
    os.exit(1)
  end
  local r = {
    config = c, board = c:match("^(%w+)"), opt = c:match("^%w+(%-.*)$"),
    cflags = (slurp(d .. "/cflags") or ""):gsub("%s+$", ""),
    size = words((slurp(d .. "/size") or ""):match("\n([^\n]*)") or ""),
    log = log, netnm = parse_nm(d .. "/net.nm"), elfnm = parse_nm(d .. "/elf.nm"),
    gci = parse_ci(d .. "/" .. net .. ".ci", d .. "/" .. net .. ".su"),
    sci = parse_ci(d .. "/sg_generic.ci", d .. "/sg_generic.su"),
  }
  local empty = log.empty[2]
  r.generic_static, _, r.generic_unknown = walk(r.sci, "sg_generic_run")
  r.rows = {}
  r.spread = 0
  local sum = { macs = 0, gen = 0, generic = 0 }
  for _, L in ipairs(log.layers) do
    local row = { L = L }
    row.gen, row.gen_spread = instr(L.gen, L.reps, empty)
    row.generic, row.generic_spread = instr(L.generic, L.reps, empty)
    r.spread = math.max(r.spread, row.gen_spread / math.max(row.gen, 1), row.generic_spread / math.max(row.generic, 1))
    local st, reach, unknown = walk(r.gci, net .. "_" .. L.name)
    row.stack_static, row.unknown = st, unknown
    if reach then row.code, row.libcode = code_of(r.gci, reach, r.netnm, r.elfnm) end
    sum.macs, sum.gen, sum.generic = sum.macs + L.macs, sum.gen + row.gen, sum.generic + row.generic
    r.rows[#r.rows + 1] = row
  end
  r.sum = sum
  if log.net then
    local N = log.net
    local n = { macs = N.macs }
    n.gen, n.gen_spread = instr(N.gen, 1, empty)
    n.generic, n.generic_spread = instr(N.generic, 1, empty)
    n.gen_stack, n.generic_stack = N.gen_stack, N.generic_stack
    local st, reach, unknown = walk(r.gci, net .. "_forward")
    n.stack_static, n.unknown = st, unknown
    n.code, n.libcode, n.libs = code_of(r.gci, reach, r.netnm, r.elfnm)
    n.weights = r.netnm[net .. "_packed_weights"] and r.netnm[net .. "_packed_weights"].size or 0
    n.arena = (macro(NET .. "_ARENA_FLOATS") or 0) * 4
    n.io = ((macro(NET .. "_IN_H") or 0) * (macro(NET .. "_IN_W") or 0) * (macro(NET .. "_IN_C") or 0) +
      (macro(NET .. "_OUT_H") or 0) * (macro(NET .. "_OUT_W") or 0) * (macro(NET .. "_OUT_C") or 0)) * 4
    r.net = n
  else
    -- not one chain: every layer's code once, the weights a product would
    -- bake (packed floats), and the largest layer's buffers
    local counted, code, lib, libs, weights, buffers, stack = {}, 0, 0, {}, 0, 0, 0
    for _, row in ipairs(r.rows) do
      local L = row.L
      local _, reach = walk(r.gci, net .. "_" .. L.name)
      if reach then
        local o, l, ls = code_of(r.gci, reach, r.netnm, r.elfnm, counted)
        code, lib = code + o, lib + l
        for _, x in ipairs(ls) do libs[#libs + 1] = x end
      end
      local U = NET .. "_" .. L.name:upper()
      weights = weights + (macro(U .. "_PACKED_FLOATS") or 0) * 4
      local b = ((macro(U .. "_IN_H") or 0) * (macro(U .. "_IN_W") or 0) * (macro(U .. "_IN_C") or 0) +
        (macro(U .. "_OUT_H") or 0) * (macro(U .. "_OUT_W") or 0) * (macro(U .. "_OUT_C") or 0) +
        (macro(U .. "_SCRATCH_FLOATS") or 0)) * 4
      if b > buffers then buffers = b end
      if (row.stack_static or 0) > stack then stack = row.stack_static end
    end
    r.layers_total = { code = code, libcode = lib, libs = libs, weights = weights, buffers = buffers, stack = stack }
  end
  res[#res + 1] = r
end

-- The text.
local out = {}
local function say(s) out[#out + 1] = s or "" end
local first = res[1]
say(string.format("bench-mcu: net %s (%s), %d layers, %s MACs; sepgen commit %s", net, shapes, #first.rows,
  human(first.sum.macs), commit))
say("")
say("Instructions, not cycles.  qemu's -icount shift=0 counts every executed instruction as 1 ns,")
say("read with SysTick (25 MHz: one tick = 40 instructions): no wait states, no pipeline model.  On")
say("a real Cortex-M4 a vfma.f32 takes 3 cycles, a load 2 (1 when it pipelines with the previous),")
say("a taken branch 2-4, and flash wait states add more, so instructions are a proxy for time.  They")
say("are still the right comparison between two implementations of one layer on one core: the same")
say("ISA, the same compiler and flags, the same memory model; what differs is how many instructions")
say("each needs per MAC.  (The cycle ratio can differ from the instruction ratio by the mix: the")
say("generic kernels spend more of theirs on index arithmetic and loads.)  A cycle-accurate model of")
say("the M4 is not available here.")
say("")
say("ipm: instructions per MAC.  gen: the generated scalar kernel (L->run of N_layers[], weights packed")
say("by L->pack); generic: sg_generic_run (check/sg_generic.c, the oracle), same inputs, same flags.")
say("Each is the second of three runs less an empty measurement; a layer under 100k MACs runs")
say("`reps` times in one measurement.  ratio = generic / gen instructions.  code: bytes of the")
say("functions the layer's entry N_L reaches in the net's object (gcc's call graph; shared code")
say("counted in every layer that calls it).  stack: the deepest sum of frames along a call path from")
say("N_L (-fstack-usage frames, -fcallgraph-info), '+' when a function on a path has no known frame")
say("(newlib's memset, memcpy; a few static functions gcc 12 leaves out of both files).  painted: the")
say("stack the call was seen to write at run time (the harness's call wrapper, a few words, included;")
say("a frame slot never written is not seen, so it can be below the static sum).")
for _, r in ipairs(res) do
  say(string.format("%s: %s; flags: %s", r.config, BOARDS[r.board] or r.board, r.cflags))
end
local worst = 0
for _, r in ipairs(res) do worst = math.max(worst, r.spread) end
say(string.format("stability: the three runs of every measurement agree within %.3f%% (the 40-instruction tick)",
  100 * worst))

local boards = {}
for _, r in ipairs(res) do
  if not boards[r.board] then
    boards[r.board] = {}
    boards[#boards + 1] = r.board
  end
  table.insert(boards[r.board], r)
end

local function pad(s, n, left)
  s = tostring(s)
  if #s >= n then return s end
  return left and (s .. string.rep(" ", n - #s)) or (string.rep(" ", n - #s) .. s)
end

for _, b in ipairs(boards) do
  local rs = boards[b]
  say("")
  say("board " .. b .. " (" .. (BOARDS[b] or b) .. ")")
  local h1 = pad("layer", 10, true) .. pad("op", 11, true) .. pad("MACs", 8)
  for _, r in ipairs(rs) do
    h1 = h1 .. " | " .. pad(r.opt .. " gen ipm", 11) .. pad("generic", 8) .. pad("ratio", 6) .. pad("code B", 7) ..
      pad("stack B", 8) .. pad("painted", 8)
  end
  say(h1)
  say(string.rep("-", #h1))
  for i = 1, #rs[1].rows do
    local L = rs[1].rows[i].L
    local line = pad(L.name, 10, true) .. pad(L.op, 11, true) .. pad(human(L.macs), 8)
    for _, r in ipairs(rs) do
      local row = r.rows[i]
      local st = row.stack_static and (fmt_num(row.stack_static) .. (next(row.unknown) and "+" or "")) or "-"
      line = line .. " | " .. pad(fmt_num(row.gen / L.macs, 2), 11) .. pad(fmt_num(row.generic / L.macs, 2), 8) ..
        pad(fmt_num(row.generic / row.gen, 2), 6) .. pad(fmt_num(row.code), 7) .. pad(st, 8) ..
        pad(fmt_num(L.gen_stack), 8)
    end
    say(line)
  end
  say(string.rep("-", #h1))
  local line = pad("all", 10, true) .. pad("(sum)", 11, true) .. pad(human(rs[1].sum.macs), 8)
  for _, r in ipairs(rs) do
    line = line .. " | " .. pad(fmt_num(r.sum.gen / r.sum.macs, 2), 11) ..
      pad(fmt_num(r.sum.generic / r.sum.macs, 2), 8) ..
      pad(fmt_num(r.sum.generic / r.sum.gen, 2), 6) .. pad("", 7) .. pad("", 8) .. pad("", 8)
  end
  say(line)
  if rs[1].net then
    local line2 = pad(net .. "_forward", 21, true) .. pad(human(rs[1].net.macs), 8)
    for _, r in ipairs(rs) do
      local n = r.net
      line2 = line2 .. " | " .. pad(fmt_num(n.gen / n.macs, 2), 11) .. pad(fmt_num(n.generic / n.macs, 2), 8) ..
        pad(fmt_num(n.generic / n.gen, 2), 6) .. pad(fmt_num(n.code), 7) ..
        pad(fmt_num(n.stack_static) .. (next(n.unknown) and "+" or ""), 8) .. pad(fmt_num(n.gen_stack), 8)
    end
    say(line2)
    say("(" .. net .. "_forward: the whole net against the generic kernels chained; its code is every function it" ..
      " reaches)")
  end
  say("")
  for _, r in ipairs(rs) do
    local img = string.format("image %s: text %s, data %s, bss %s B (the whole bench program: newlib's printf, " ..
      "the generic kernels, the net)",
      r.opt, r.size[1] or "?", r.size[2] or "?", r.size[3] or "?")
    if r.net then
      local n = r.net
      local libs = #n.libs > 0 and string.format(" + %d B of newlib (%s)", n.libcode, table.concat(n.libs, ", ")) or ""
      say(string.format("flash %s: %d B = code %d B%s + const weights %d B (%s_packed_weights, baked)",
        r.opt, n.code + n.libcode + n.weights, n.code, libs, n.weights, net))
      local unknown = {}
      for _, x in ipairs(sorted_keys(n.unknown)) do
        unknown[#unknown + 1] = x .. (r.netnm[x] and " (gcc gave no frame)" or " (newlib)")
      end
      say(string.format("RAM   %s: %d B = arena %d B (%s_ARENA_FLOATS x 4) + stack %d B (frames summed along " ..
        "the deepest call path from %s_forward%s; painted at run time: %d B); the caller's input and output, " ..
        "%d B, not counted",
        r.opt, n.arena + n.stack_static, n.arena, NET, n.stack_static, net,
        #unknown > 0 and (", + frames unknown: " .. table.concat(unknown, ", ")) or "",
        n.gen_stack, n.io))
      local gu = sorted_keys(r.generic_unknown or {})
      say(string.format("generic %s: stack %s B static from sg_generic_run%s, painted %d B (N_forward: the " ..
        "generic chain)", r.opt, fmt_num(r.generic_static), #gu > 0 and (" + " .. table.concat(gu, ", ")) or "",
        n.generic_stack))
    else
      local t = r.layers_total
      local libs = #t.libs > 0 and string.format(" + %d B of newlib (%s)", t.libcode, table.concat(t.libs, ", ")) or ""
      say(string.format("flash %s: %d B = code of every layer %d B%s + packed weights %d B (the packed floats " ..
        "x 4, which --weights would bake; not linked: the file is not one chain)",
        r.opt, t.code + t.libcode + t.weights, t.code, libs, t.weights))
      say(string.format("RAM   %s: %d B = the largest layer's input + output + scratch %d B + the deepest layer " ..
        "stack %d B (no N_forward: the file is not one chain)",
        r.opt, t.buffers + t.stack, t.buffers, t.stack))
    end
    say(img)
  end
end

local text = table.concat(out, "\n") .. "\n"
io.write(text)
local f = assert(io.open(netdir .. "/report.txt", "wb"))
f:write(text)
f:close()

-- The CSV: a row per layer and config, then the net's rows.
local csv = { "net,board,layer,kind,MACs,opt,reps,gen_instr,gen_ipm,generic_instr,generic_ipm,ratio,code_bytes," ..
  "gen_stack_static,gen_stack_painted,generic_stack_painted,flash_code,flash_lib,flash_weights,flash_bytes," ..
  "arena_bytes,ram_bytes,flags,commit" }
local function q(s) return '"' .. tostring(s):gsub('"', '""') .. '"' end
for _, r in ipairs(res) do
  for _, row in ipairs(r.rows) do
    local L = row.L
    csv[#csv + 1] = table.concat({ net, r.board, L.name, L.op, L.macs, r.opt, L.reps, fmt_num(row.gen, 1),
      fmt_num(row.gen / L.macs, 4), fmt_num(row.generic, 1), fmt_num(row.generic / L.macs, 4),
      fmt_num(row.generic / row.gen, 4), fmt_num(row.code), fmt_num(row.stack_static), L.gen_stack, L.generic_stack,
      "", "", "", "", "", "", q(r.cflags), q(commit) }, ",")
  end
  if r.net then
    local n = r.net
    csv[#csv + 1] = table.concat({ net, r.board, net .. "_forward", "net", n.macs, r.opt, 1, fmt_num(n.gen, 1),
      fmt_num(n.gen / n.macs, 4), fmt_num(n.generic, 1), fmt_num(n.generic / n.macs, 4),
      fmt_num(n.generic / n.gen, 4), fmt_num(n.code), fmt_num(n.stack_static), n.gen_stack, n.generic_stack,
      n.code, n.libcode, n.weights, n.code + n.libcode + n.weights, n.arena, n.arena + n.stack_static,
      q(r.cflags), q(commit) }, ",")
  else
    local t = r.layers_total
    csv[#csv + 1] = table.concat({ net, r.board, "(all layers)", "sum", r.sum.macs, r.opt, "", fmt_num(r.sum.gen, 1),
      fmt_num(r.sum.gen / r.sum.macs, 4), fmt_num(r.sum.generic, 1), fmt_num(r.sum.generic / r.sum.macs, 4),
      fmt_num(r.sum.generic / r.sum.gen, 4), t.code, t.stack, "", "", t.code, t.libcode, t.weights,
      t.code + t.libcode + t.weights, "", t.buffers + t.stack, q(r.cflags), q(commit) }, ",")
  end
end
f = assert(io.open(netdir .. "/report.csv", "wb"))
f:write(table.concat(csv, "\n") .. "\n")
f:close()
