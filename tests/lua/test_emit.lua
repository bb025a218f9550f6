-- test_emit.lua - gen/emit.lua: what the generated C looks like, on every
-- target: each function opens with one comment line naming its template,
-- layer, stage and tile; kernel names end with the tile; layer drivers name
-- their offsets; no one-trip loops and no "+ 0"; the code is indented once
-- (cindent's fixed point); the loop helpers; the template variables.
local H = require("harness")
local plan = require("plan")
local shapes = require("shapes")
local emit = require("emit")
local cindent = require("cindent")

local T = {}

-- The generated .c of a net file for a target (a sepgen-args line applies).
local function generate(file, tname)
  local text = assert(H.read(file))
  local net, errs = shapes.load(text, file)
  H.ok(net, file .. ": " .. table.concat(errs or {}, "; "))
  local fuse = text:match("%-%- sepgen%-args: %-%-fuse (%a+)") or "auto"
  local files = emit.net(plan.net(net, tname, fuse), file, "runtime")
  for _, fl in ipairs(files) do
    if fl[1] == net.name .. ".c" then return fl[2], net end
  end
  H.fail("no " .. net.name .. ".c")
end

local NETS = { "tests/nets/golden.lua", "tests/nets/fused.lua", "tests/nets/bottleneck.lua",
               "tests/nets/pw_topology.lua", "tests/nets/dw_padding.lua" }
local TARGETS = { "scalar", "avx2", "avx512", "neon" }

local function each(fn)
  for _, file in ipairs(NETS) do
    for _, tname in ipairs(TARGETS) do
      local c, net = generate(file, tname)
      fn(c, net, file .. " " .. tname)
    end
  end
end

local lines_of = H.lines

function T.every_function_opens_with_its_comment_line()
  each(function(c, net, what)
    local ls = lines_of(c)
    local n = 0
    for i, l in ipairs(ls) do
      local name = l:match("^static void ([%w_]+)%(") or l:match("^void ([%w_]+)%(")
      if name then
        n = n + 1
        local prev = ls[i - 1] or ""
        H.ok(prev:match("^/%* [%w/_.]+%.c%.in: layer [%w_]+[,:] .* %*/$")
          or prev:match("^/%* net%.c%.in: the whole net: .* %*/$"),
          function() return what .. ": " .. name .. " is preceded by " .. H.quote(prev) end)
        if name:match("^Dw_") or name:match("^Pw_") or name:match("^Up_") then
          local tile = name:match("_(%d+c%d+p%w*)$") or name:match("_(%d+x%d+%a*)$")
          H.ok(tile, what .. ": " .. name .. " ends with its tile")
          H.contains(prev, "tile " .. tile .. ",", what .. ": the comment names the tile")
          H.ok(prev:match("stage %d"), what .. ": the comment names the stage")
        end
      end
    end
    H.ok(n >= 4 * #net.layers, what .. ": functions found: " .. n)
  end)
end

function T.no_one_trip_loops_no_plus_zero()
  each(function(c, _, what)
    for l in c:gmatch("[^\n]+") do
      local v, a, b, step = l:match("for %(int (%w+) = (%-?%d+); %w+ < (%-?%d+); %w+ %+= (%d+)%)")
      if not v then
        v, a, b = l:match("for %(int (%w+) = (%-?%d+); %w+ < (%-?%d+); %+%+%w+%)")
        step = 1
      end
      if v then
        H.ok(tonumber(b) - tonumber(a) > tonumber(step), function() return what .. ": one-trip loop " .. H.quote(l) end)
      end
      local base = l:match("for %(int %w+ = (%a%w*); %w+ < %a%w* %+ (%d+); %+%+%w+%)")
      if base then H.ok(tonumber(l:match("%+ (%d+); %+%+")) > 1, what .. ": one-trip loop " .. H.quote(l)) end
      H.ok(not l:match("[%w%]%)] %+ 0[^%.%dx]") and not l:match("[%[%(]0 %+ "),
        function() return what .. ": a zero term in " .. H.quote(l) end)
    end
  end)
end

-- every generated .c file recorded in tests/golden (all nets, all targets)
function T.golden_code_has_no_one_trip_loops_or_zero_terms()
  local files = H.find("tests/golden -name '*.c' ! -name '*_check.c'")
  H.ok(#files >= 76, "golden .c files: " .. #files)
  for _, path in ipairs(files) do
    local n = 0
    for l in assert(H.read(path)):gmatch("[^\n]+") do
      n = n + 1
      local a, b = l:match("for %(int %w+ = (%-?%d+); %w+ < (%-?%d+); %+%+%w+%)")
      local step = 1
      if not a then
        a, b, step = l:match("for %(int %w+ = (%-?%d+); %w+ < (%-?%d+); %w+ %+= (%d+)%)")
      end
      if a then
        H.ok(tonumber(b) - tonumber(a) > tonumber(step), function() return path .. ":" .. n .. ": one trip" end)
      end
      local code = l:gsub("/%*.-%*/", "")
      H.ok(not code:match("[%w%]%)] %+ 0[^%.%dx]") and not code:match("[%[%(]0 %+ ") and
           not code:match("[%w%)] %* 1[^%d%.]") and not code:match("const int [gn] = 0;"),
        function() return path .. ":" .. n .. ": a zero or unit term: " .. H.quote(l) end)
    end
  end
end

function T.layer_drivers_name_their_offsets()
  each(function(c, net, what)
    for _, L in ipairs(net.layers) do
      local body = c:match("\nvoid " .. net.name .. "_" .. L.name .. "%([^\n]*%)\n(%b{})")
      H.ok(body, what .. ": driver of " .. L.name)
      for l in body:gmatch("[^\n]+") do
        if not l:match("^%s+[A-Z][A-Z0-9_]* = %d+,") then
          -- a buffer plus a number is a bare offset, unless the number
          -- counts rows of a named size (out + 37 * OUT_ROW)
          for _, buf in ipairs({ "in", "out", "skip", "packed", "scratch" }) do
            for after in l:gmatch("%f[%w]" .. buf .. " %+ %d+(..)") do
              H.ok(after == " *", function() return what .. ": a bare offset in " .. H.quote(l) end)
            end
          end
          H.ok(not l:match("%d%d%d%d%d"), function() return what .. ": a bare number in " .. H.quote(l) end)
        end
      end
    end
  end)
end

function T.indented_once()
  each(function(c, _, what)
    -- the layer code (everything before the sg_layer table) is cindent's fixed point
    local code = c:match("^(.-\n)const sg_layer ")
    H.ok(code, what .. ": layer table found")
    H.ok(cindent.indent(code) == code, what .. ": indenting the generated code changes it")
  end)
end

function T.loop_helpers()
  H.eq(emit.loop("p", 0, 28, 4), "for (int p = 0; p < 28; p += 4) {", "a loop")
  H.eq(emit.loop("vy", 2, 5, 1, "y0", "rows"), "for (int vy = y0 + 2; vy < y0 + 5; ++vy) {   /* rows */", "a base")
  H.eq(emit.loop("p", 0, 8, 8), "{\nconst int p = 0;", "one trip: a block naming the value")
  H.eq(emit.loop("ct", 0, 1, 1, "cb"), "{\nconst int ct = cb;", "one trip from a base")
  local function zero(j) return "d[" .. emit.lin({ { 1, j } }, 8) .. "] = 0.0f;" end
  H.eq(emit.loop1("j", 0, 8, zero), "for (int j = 0; j < 8; ++j) d[j + 8] = 0.0f;", "one statement")
  H.eq(emit.loop1("j", 3, 4, zero), "d[11] = 0.0f;", "one statement, one trip: the value folded in")
  H.eq(emit.each("g", 4, "groups"), "for (int g = 0; g < 4; ++g) {   /* groups */", "each")
  H.eq(emit.each("g", 1, "groups"), "{   /* groups */", "each, one trip: a plain block")
  H.eq(emit.lin({ { 64, emit.ix("g", 1) }, { 16, emit.ix("n", 3) } }, 8), "16 * n + 8", "ix folds a one-trip variable")
  H.eq(emit.lin({ { 448, "vy" }, { 16, "vx" }, { 0, "ct" } }, -8), "448 * vy + 16 * vx - 8", "lin")
  H.eq(emit.lin({ { 1, "w" } }, 0), "w", "lin: one term")
  H.eq(emit.lin({}, 5), "5", "lin: a constant")
end

function T.templates_get_only_declared_variables()
  local ok, err = pcall(emit.render, "simd/store.c.in", { st = {}, misspelt = 1 })
  H.ok(not ok, "an undeclared variable is refused")
  H.contains(err, "template variable misspelt is not in emit.TEMPLATE_VARS", "message")
end

return T
