-- test_onnx.lua - `make import` (SPEC section 10) without Python: the
-- protobuf wire format (gen/protobuf.lua), onnx.read (gen/onnx.lua) and the
-- mapping to sepgen layers and weights (gen/onnx_map.lua), on the tiny
-- committed models of tests/onnx/ (written by tests/onnx/make_fixtures.py
-- with onnx.helper; tests/onnx/expected.lua holds what each must become,
-- computed there with numpy) and the bad ones of tests/bad/onnx/.
--
-- Besides comparing with expected.lua, the layouts (OIHW -> OHWI, depthwise
-- [C*m,1,kh,kw] -> [kh][kw][C*m], the fc's NCHW -> NHWC column order) and
-- BatchNormalization folding are recomputed here from the ONNX initializers,
-- so neither oracle alone decides.
local H = require("harness")
local pb = require("protobuf")
local onnx = require("onnx")
local map = require("onnx_map")
local shapes = require("shapes")
local weights = require("weights")

local T = {}

local GOOD, BAD = "tests/onnx/", "tests/bad/onnx/"
local EXPECTED = dofile(GOOD .. "expected.lua")

---------------------------------------------------------------- helpers

local function bytes(...)
  return string.char(...)
end

-- The { msg = ... } error a protobuf reader raises for f(...).
local function pb_error(f, ...)
  local ok, err = pcall(f, ...)
  H.ok(not ok, "expected a protobuf error")
  H.ok(type(err) == "table" and type(err.msg) == "string", function() return "error value " .. H.repr(err) end)
  return err.msg
end

local function read_model(path)
  local s = H.read(path)
  H.ok(s, "cannot read " .. path)
  local m, err = onnx.read(s)
  H.ok(m, function() return path .. ": " .. tostring(err) end)
  return m
end

local function convert(name)
  local m = read_model(GOOD .. name .. ".onnx")
  local r, err = map.convert(m, name)
  H.ok(r, function() return name .. ".onnx: " .. tostring(err) end)
  return r, m
end

local function node_named(m, name)
  for _, n in ipairs(m.graph.nodes) do if n.name == name then return n end end
  H.fail("no node " .. name)
end

local function tensor_named(r, name)
  for _, t in ipairs(r.tensors) do if t.name == name then return t end end
  H.fail("no tensor " .. name)
end

-- The float32 values of little-endian bytes.
local function floats(raw)
  local v = {}
  for i = 1, #raw / 4 do v[i] = pb.f32(pb.u32(raw, 4 * i - 3)) end
  return v
end

local function hex(raw)
  return (raw:gsub(".", function(c) return string.format("%02x", c:byte()) end))
end

-- The float values of initializer `name` of model m (raw_data or float_data).
local function init_values(m, name)
  local t = m.graph.inits[name]
  H.ok(t, "no initializer " .. name)
  local v = assert(onnx.numbers(t))
  return v, t.dims
end

-- The layer fields shapes_text writes (act "none" left out, as there).
local FIELDS = { "name", "op", "type", "global", "k", "stride", "dilation", "pad", "count_pad", "mult", "cout",
  "groups", "reduce", "out", "dw_act", "se_act", "gate", "act", "residual" }

local function fields_of(L)
  local t = { nodes = L.nodes }
  for _, f in ipairs(FIELDS) do
    local v = L[f]
    if (f == "act" or f == "dw_act") and v == "none" then v = nil end
    if v ~= nil and v ~= false then t[f] = v end
  end
  return t
end

---------------------------------------------------------------- protobuf

function T.varint_values_and_positions()
  local cases = {
    { bytes(0), 0 }, { bytes(1), 1 }, { bytes(127), 127 }, { bytes(0x80, 0x01), 128 },
    { bytes(0xAC, 0x02), 300 }, { bytes(0xFF, 0xFF, 0xFF, 0xFF, 0x0F), 2 ^ 32 - 1 },
    { bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x08), 2 ^ 52 },
    -- a non-minimal encoding is still the number
    { bytes(0x81, 0x80, 0x00), 1 },
  }
  for _, c in ipairs(cases) do
    local v, nxt = pb.varint(c[1] .. "tail", 1, #c[1] + 4)
    H.eq(v, c[2], "varint " .. H.quote(c[1]))
    H.eq(nxt, #c[1] + 1, "position after " .. H.quote(c[1]))
  end
  -- at an offset inside a longer string
  local v, nxt = pb.varint("xx" .. bytes(0x96, 0x01) .. "yy", 3, 6)
  H.eq({ v, nxt }, { 150, 5 }, "varint at offset 3")
end

function T.varint_negative_int64_is_ten_bytes()
  local ff9 = string.rep(bytes(0xFF), 9)
  H.eq(pb.varint(ff9 .. bytes(0x01), 1, 10), -1, "-1")
  H.eq(pb.varint(bytes(0xFE) .. string.rep(bytes(0xFF), 8) .. bytes(0x01), 1, 10), -2, "-2")
  H.eq(pb.varint(bytes(0x80, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01), 1, 10), -128, "-128")
  H.eq(pb.varint(string.rep(bytes(0x80), 9) .. bytes(0x01), 1, 10), -2 ^ 63, "-2^63")
  local _, nxt = pb.varint(ff9 .. bytes(0x01), 1, 10)
  H.eq(nxt, 11, "ten bytes read")
end

function T.varint_errors()
  H.eq(pb_error(pb.varint, bytes(0x80), 1, 1), "byte 0: truncated varint", "one continuation byte")
  H.eq(pb_error(pb.varint, "", 1, 0), "byte 0: truncated varint", "nothing")
  -- the enclosing message ends before the varint does
  H.eq(pb_error(pb.varint, "ab" .. bytes(0x80, 0x01), 3, 3), "byte 2: truncated varint", "past `last`")
  H.eq(pb_error(pb.varint, string.rep(bytes(0xFF), 11), 1, 11), "byte 0: varint longer than 10 bytes",
    "eleven bytes")
  H.eq(pb_error(pb.varint, string.rep(bytes(0x80), 10) .. bytes(0x01), 1, 11),
    "byte 0: varint longer than 10 bytes", "ten continuation bytes")
end

function T.each_reports_every_wire_type()
  local double_one = bytes(0, 0, 0, 0, 0, 0, 0xF0, 0x3F)
  local msg = bytes(0x08, 0x96, 0x01)                                -- field 1, varint 150
      .. bytes(0x11) .. double_one                                     -- field 2, 64-bit
      .. bytes(0x1A, 0x03) .. "abc"                                    -- field 3, 3 bytes
      .. bytes(0x25, 0x00, 0x00, 0x80, 0x3F)                           -- field 4, 32-bit 1.0f
      .. bytes(0xA0, 0x01, 0x07)                                       -- field 20, varint 7
  local seen = {}
  pb.each(msg, 1, #msg, function(f, w, a, b) seen[#seen + 1] = { f, w, a, b } end)
  H.eq(seen, { { 1, 0, 150 }, { 2, 1, 5 }, { 3, 2, 15, 17 }, { 4, 5, 0x3F800000 }, { 20, 0, 7 } }, "fields")
  H.eq(pb.f64(msg, 5), 1, "the double at its position")
  H.eq(msg:sub(15, 17), "abc", "the bytes of field 3")
  H.eq(pb.f32(0x3F800000), 1, "the float's bits")
  -- an empty message: no callback
  pb.each("", 1, 0, function() H.fail("called for an empty message") end)
end

function T.each_errors()
  local function each(s) return pb.each(s, 1, #s, function() end) end
  H.eq(pb_error(each, bytes(0x00, 0x01)), "byte 0: field number 0", "key 0")
  H.eq(pb_error(each, bytes(0x08, 0x01, 0x0B)), "byte 2: wire type 3 (field 1) is not used by ONNX", "group")
  H.eq(pb_error(each, bytes(0x0E)), "byte 0: wire type 6 (field 1) is not used by ONNX", "wire 6")
  H.eq(pb_error(each, bytes(0x09, 1, 2, 3)), "byte 0: truncated 64-bit field 1", "64-bit")
  H.eq(pb_error(each, bytes(0x15, 1, 2, 3)), "byte 0: truncated 32-bit field 2", "32-bit")
  H.eq(pb_error(each, bytes(0x1A, 0x05, 1, 2)), "byte 0: field 3 runs past the end of its message", "length")
  H.eq(pb_error(each, bytes(0x1A)), "byte 1: truncated varint", "length missing")
  -- a nested message may not run past its parent's end, even when the
  -- string goes on
  local s = bytes(0x0A, 0x02, 0x1A, 0x05) .. "abcde"
  H.eq(pb_error(function() pb.each(s, 3, 4, function() end) end), "byte 2: field 3 runs past the end of its message",
    "nested")
end

function T.packed_fields()
  H.eq(pb.packed_varints(bytes(0x01, 0xAC, 0x02, 0x00) .. string.rep(bytes(0xFF), 9) .. bytes(0x01), 1, 14, {}),
    { 1, 300, 0, -1 }, "packed varints (int64 -1 too)")
  H.eq(pb.packed_varints("", 1, 0, { 7 }), { 7 }, "appends to out")
  H.eq(pb_error(pb.packed_varints, bytes(0x01, 0x80), 1, 2, {}), "byte 1: truncated varint", "cut varint")
  local s = bytes(0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x20, 0xC0)
  local u = pb.packed_u32(s, 1, 8, {})
  H.eq(u, { 0x3F800000, 0xC0200000 }, "packed fixed32")
  H.eq({ pb.f32(u[1]), pb.f32(u[2]) }, { 1, -2.5 }, "as floats")
  H.eq(pb_error(pb.packed_u32, s, 1, 7, {}), "byte 0: packed 32-bit field of 7 bytes", "not a multiple of 4")
end

function T.fixed_width_numbers()
  H.eq(pb.u32(bytes(0x78, 0x56, 0x34, 0x12), 1), 0x12345678, "little-endian u32")
  H.eq(pb.u32(bytes(0xFF, 0xFF, 0xFF, 0xFF), 1), 2 ^ 32 - 1, "all ones")
  H.eq(pb.f32(0), 0, "+0")
  H.eq(pb.f32(0x80000000), 0, "-0 is zero")
  H.eq(pb.f32(1), 2 ^ -149, "smallest subnormal")
  H.eq(pb.f32(0x007FFFFF), (2 ^ 23 - 1) * 2 ^ -149, "largest subnormal")
  H.eq(pb.f32(0x7F7FFFFF), (2 - 2 ^ -23) * 2 ^ 127, "largest float")
  H.eq(pb.f32(0x3DCCCCCD), 13421773 * 2 ^ -27, "0.1f")
  H.eq(pb.f32(0x7F800000), math.huge, "+inf")
  H.eq(pb.f32(0xFF800000), -math.huge, "-inf")
  local nan = pb.f32(0x7FC00000)
  H.ok(nan ~= nan, "NaN")
  H.eq(pb.f64(bytes(0, 0, 0, 0, 0, 0, 0xE0, 0xBF), 1), -0.5, "double -0.5")
  H.eq(pb.f64(bytes(1, 0, 0, 0, 0, 0, 0xF0, 0x3F), 1), 1 + 2 ^ -52, "double 1 + ulp")
  H.eq(pb.f64(bytes(1, 0, 0, 0, 0, 0, 0, 0), 1), 2 ^ -1074, "smallest double subnormal")
  H.eq(pb.f64(bytes(0, 0, 0, 0, 0, 0, 0xF0, 0xFF), 1), -math.huge, "double -inf")
end

---------------------------------------------------------------- onnx.read

function T.read_conv_pw()
  local m = read_model(GOOD .. "conv_pw.onnx")
  H.eq(m.ir_version, 8, "ir_version")
  H.eq(m.opset, { [""] = 11 }, "opset")
  H.eq(m.producer, "make_fixtures.py", "producer")
  local g = m.graph
  H.eq(g.name, "conv_pw", "graph name")
  H.eq(#g.inputs, 1, "one input")
  H.eq({ g.inputs[1].name, g.inputs[1].elem, g.inputs[1].dims }, { "input", "float", { 1, 3, 8, 8 } }, "input")
  H.eq({ g.outputs[1].name, g.outputs[1].dims }, { "tall_out", { 1, 2, 5, 2 } }, "output (shape-inferred)")
  local ops = {}
  for i, n in ipairs(g.nodes) do
    H.eq(n.index, i, "node index")
    ops[i] = n.op .. ":" .. n.name
  end
  H.eq(ops, { "Conv:stem", "Relu:stem_relu", "Conv:proj", "Conv:tall" }, "nodes")
  local stem = g.nodes[1]
  H.eq(stem.inputs, { "input", "stem.weight", "stem.bias" }, "inputs")
  H.eq(stem.outputs, { "stem_out" }, "outputs")
  H.eq(stem.attrs.kernel_shape, { type = "ints", value = { 3, 3 } }, "kernel_shape")
  H.eq(stem.attrs.strides, { type = "ints", value = { 2, 2 } }, "strides")
  H.eq(stem.attrs.pads, { type = "ints", value = { 1, 1, 1, 1 } }, "pads")
  H.eq(stem.domain, "", "default domain")
  -- raw_data weights, float_data bias
  local w = g.inits["stem.weight"]
  H.eq({ w.dtype, w.dims, w.count, #w.raw }, { "float", { 4, 3, 3, 3 }, 108, 432 }, "raw_data weight")
  H.eq(w.values, nil, "raw_data: no values")
  local b = g.inits["stem.bias"]
  H.eq({ b.dtype, b.dims, b.raw }, { "float", { 4 }, nil }, "float_data bias")
  H.eq(#b.bits, 4, "its bit patterns")
  H.eq(b.values, floats(tensor_named(convert("conv_pw"), "l1.conv_b").raw), "float_data values")
  H.eq(onnx.numbers(w), floats(w.raw), "numbers of raw_data")
  H.eq(#g.init_order, 5, "initializers in file order")
end

function T.read_attribute_types_and_constants()
  local m = read_model(GOOD .. "acts.onnx")
  local hs = node_named(m, "hs2")
  H.eq(hs.attrs.alpha.type, "float", "float attribute")
  H.eq(hs.attrs.alpha.value, 11184811 * 2 ^ -26, "1/6 as float32")
  H.eq(hs.attrs.beta.value, 0.5, "beta")
  local half = node_named(m, "half_node")
  H.eq(half.attrs.value_float, { type = "float", value = 0.5 }, "Constant value_float")
  local dm = read_model(GOOD .. "dw_mult.onnx")
  local c = node_named(dm, "clip_max_node")
  H.eq(c.attrs.value.type, "tensor", "Constant tensor attribute")
  H.eq({ c.attrs.value.value.dtype, c.attrs.value.value.dims, onnx.numbers(c.attrs.value.value) },
    { "float", {}, { 6 } }, "a float32 scalar")
  local rs = read_model(GOOD .. "fc_reshape.onnx")
  H.eq(onnx.numbers(rs.graph.inits.shape), { 1, -1 }, "int64 raw_data, negative")
  H.eq(rs.graph.inits.shape.dtype, "int64", "dtype")
  local pf = read_model(GOOD .. "pad_fold.onnx")
  H.eq(onnx.numbers(pf.graph.inits.pads2), { 0, 0, 0, 1, 0, 0, 2, 1 }, "Pad's pads")
  local r18 = read_model(GOOD .. "reduce_axes_input.onnx")
  H.eq(r18.opset, { [""] = 18 }, "opset 18")
  H.eq(r18.ir_version, 9, "ir 9")
end

function T.read_special_inputs()
  local d = read_model(BAD .. "dynamic_dim.onnx")
  H.eq(d.graph.inputs[1].dims, { 1, 2, "height", 4 }, "a symbolic dimension is its name")
  local e = read_model(BAD .. "external_data.onnx")
  local w = e.graph.inits["c.weight"]
  H.eq({ w.external, w.raw }, { true, nil }, "data_location EXTERNAL")
  H.eq(e.graph.inits["c.bias"].external, false, "the bias is inside")
  H.eq(read_model(BAD .. "opset19.onnx").opset, { [""] = 19 }, "opset 19 reads")
end

function T.read_errors()
  local function err(s) local m, e = onnx.read(s); H.eq(m, nil, "no model"); return e end
  H.eq(err(H.read(BAD .. "png.onnx")), "not a readable ONNX file (byte 10: field number 0)", "a PNG")
  H.eq(err(H.read(BAD .. "text.onnx")), "not a readable ONNX file (byte 0: wire type 4 (field 14) is not used by ONNX)",
    "text")
  H.eq(err(""), "not an ONNX model (no ir_version field)", "empty")
  H.eq(err(bytes(0x08, 0x08)), "not an ONNX model (no graph field)", "ir_version only")
  H.contains(err(H.read(BAD .. "truncated.onnx")), "not a readable ONNX file (byte ", "truncated")
  H.contains(err(H.read(BAD .. "truncated.onnx")), "runs past the end of its message", "truncated")
end

-- Every prefix of a model, and every byte replaced by a few values, is a
-- model or an error message: never a Lua error (exit 1 in import.lua).
function T.damaged_files_give_messages()
  local s = H.read(GOOD .. "gap_fc.onnx")
  local function try(t, what)
    local ok, e = pcall(function()
      local m, err = onnx.read(t)
      if not m then
        H.ok(type(err) == "string" and err ~= "", what .. ": a message")
        return
      end
      local r, merr = map.convert(m, "n")
      if r then map.shapes_text(r, "n", "f.onnx", "n.safetensors", m)
      else H.ok(type(merr) == "string" and merr ~= "", what .. ": a message") end
    end)
    if not ok then H.fail(what .. ": " .. tostring(e)) end
  end
  for i = 0, #s - 1 do try(s:sub(1, i), "the first " .. i .. " bytes") end
  for i = 1, #s do
    for _, b in ipairs({ 0x00, 0x08, 0x80, 0xFF }) do
      try(s:sub(1, i - 1) .. string.char(b) .. s:sub(i + 1), "byte " .. (i - 1) .. " = " .. b)
    end
  end
end

---------------------------------------------------------------- mappings

-- Each good model against expected.lua: layers (fields and nodes), the net's
-- input, every tensor's name, shape and bytes; and the shapes text loads in
-- the generator with the tensors it expects.
local function check_fixture(name)
  local want = EXPECTED[name]
  local r, m = convert(name)
  H.eq(m.opset[""], want.opset, "opset")
  H.eq(r.input, want.input, "input (NHWC)")
  H.eq(#r.layers, #want.layers, "layer count")
  for i, L in ipairs(r.layers) do
    H.eq(fields_of(L), want.layers[i], "layer " .. i)
  end
  H.eq(#r.tensors, #want.tensors, "tensor count")
  for i, t in ipairs(r.tensors) do
    local w = want.tensors[i]
    H.eq({ t.name, t.shape }, { w.name, w.shape }, "tensor " .. i)
    local got = hex(t.raw)
    if got ~= w.hex then
      for k = 1, #got, 8 do
        if got:sub(k, k + 7) ~= w.hex:sub(k, k + 7) then
          H.fail(string.format("%s: element %d is %s, expected %s (%d bytes, expected %d)", t.name, (k - 1) / 8,
            got:sub(k, k + 7), w.hex:sub(k, k + 7), #t.raw, #w.hex / 2))
        end
      end
      H.fail(t.name .. ": " .. #t.raw .. " bytes, expected " .. #w.hex / 2)
    end
  end
  local text = map.shapes_text(r, name, GOOD .. name .. ".onnx", name .. ".safetensors", m)
  local net, errs = shapes.load(text, name .. ".lua")
  H.ok(net, function() return "the shapes text does not load: " .. table.concat(errs, " | ") end)
  local have = {}
  for _, t in ipairs(r.tensors) do have[t.name] = t end
  local n = 0
  for _, L in ipairs(net.layers) do
    for _, e in ipairs(weights.expected(L)) do
      local t = have[L.name .. "." .. e.field]
      H.ok(t, "tensor " .. L.name .. "." .. e.field)
      H.eq(t.shape, e.shape, L.name .. "." .. e.field .. " shape")
      n = n + 1
    end
  end
  H.eq(n, #r.tensors, "every tensor is one the generator reads")
  for i, L in ipairs(r.layers) do
    H.contains(text, "}, -- " .. table.concat(L.nodes, ", ") .. "\n", "layer " .. i .. "'s comment names its nodes")
  end
end

for name in pairs(EXPECTED) do
  T["fixture_" .. name] = function() check_fixture(name) end
end

function T.fixtures_cover_every_mapping()
  local ops, acts, seen = {}, {}, {}
  for _, f in pairs(EXPECTED) do
    seen["opset" .. f.opset] = true
    for _, L in ipairs(f.layers) do
      ops[L.op] = true
      for _, k in ipairs({ "act", "dw_act", "se_act", "gate" }) do
        if type(L[k]) == "string" then acts[L[k]] = true elseif L[k] then acts.clamp = true end
      end
      if L.groups then seen["groups " .. L.op] = true end
      if L.mult then seen.mult = true end
      if L.residual == true then seen["residual true"] = true end
      if type(L.residual) == "string" then seen["residual named"] = true end
      if L.count_pad then seen.count_pad = true end
      if L.global then seen.global = true end
    end
  end
  for _, op in ipairs({ "conv", "pwconv", "dwconv", "separable", "dwdeconv", "pool", "fc", "se", "softmax" }) do
    H.ok(ops[op], "a fixture maps to " .. op)
  end
  for _, a in ipairs({ "relu", "relu6", "clamp", "hswish", "hsigmoid", "sigmoid", "none" }) do
    H.ok(acts[a], "a fixture has activation " .. a)
  end
  for _, k in ipairs({ "opset11", "opset13", "opset17", "opset18", "groups pwconv", "groups conv", "mult",
    "residual true", "residual named", "count_pad", "global" }) do
    H.ok(seen[k], "a fixture has " .. k)
  end
end

-- conv: OIHW -> OHWI, index by index from the ONNX initializer.
function T.conv_weight_is_ohwi()
  local r, m = convert("conv_pw")
  for _, c in ipairs({ { "stem", "l1", 4, 3, 3, 3 }, { "tall", "l3", 2, 6, 3, 1 } }) do
    local w = init_values(m, c[1] .. ".weight")
    local got = floats(tensor_named(r, c[2] .. ".conv_w").raw)
    local O, I, KH, KW = c[3], c[4], c[5], c[6]
    H.eq(#got, O * I * KH * KW, c[1] .. " size")
    for o = 0, O - 1 do
      for i = 0, KH - 1 do
        for j = 0, KW - 1 do
          for s = 0, I - 1 do
            H.eq(got[1 + ((o * KH + i) * KW + j) * I + s], w[1 + ((o * I + s) * KH + i) * KW + j],
              function() return string.format("%s [%d][%d][%d][%d]", c[1], o, i, j, s) end)
          end
        end
      end
    end
  end
  -- a 1x1 conv is a pwconv: [cout][cin] is OIHW with H = W = 1, as is
  local w = init_values(m, "proj.weight")
  H.eq(floats(tensor_named(r, "l2.pw_w").raw), w, "pw_w")
  H.eq(floats(tensor_named(r, "l2.pw_b").raw), { 0, 0, 0, 0, 0, 0 }, "no bias input: zeros")
end

-- depthwise with multiplier 3: [C*m,1,kh,kw] -> [kh][kw][C*m]
function T.dw_weight_is_channel_last()
  local r, m = convert("dw_mult")
  local w, dims = init_values(m, "dw.weight")
  H.eq(dims, { 6, 1, 3, 3 }, "ONNX weight")
  local got = floats(tensor_named(r, "l1.dw_w").raw)
  for i = 0, 2 do
    for j = 0, 2 do
      for c = 0, 5 do
        H.eq(got[1 + (i * 3 + j) * 6 + c], w[1 + (c * 3 + i) * 3 + j], "dw_w[" .. i .. "][" .. j .. "][" .. c .. "]")
      end
    end
  end
  H.eq(floats(tensor_named(r, "l1.dw_b").raw), init_values(m, "dw.bias"), "dw_b")
end

-- grouped 1x1: pw_w [cout][C/g] is the ONNX weight as is
function T.grouped_pw_weight()
  local r, m = convert("grouped")
  local w, dims = init_values(m, "gpw.weight")
  H.eq(dims, { 6, 2, 1, 1 }, "ONNX weight")
  H.eq(tensor_named(r, "l1.pw_w").shape, { 6, 2 }, "pw_w shape")
  H.eq(floats(tensor_named(r, "l1.pw_w").raw), w, "pw_w")
end

-- fc after Flatten/Reshape of an HxWxC image: ONNX's column c*H*W + y*W + x
-- is sepgen's (y*W + x)*C + c.
function T.fc_weight_is_permuted_to_nhwc()
  local C, Hh, W, O = 3, 2, 2, 5
  for _, c in ipairs({ { "fc_flatten", "fc.weight", false }, { "fc_reshape", "fc.weight", true },
    { "matmul_hw", "fc.weight", true } }) do
    local r, m = convert(c[1])
    local w = init_values(m, c[2])
    local got = floats(tensor_named(r, "l2.fc_w").raw)
    H.eq(tensor_named(r, "l2.fc_w").shape, { O, Hh * W * C }, c[1] .. " shape")
    for o = 0, O - 1 do
      for y = 0, Hh - 1 do
        for x = 0, W - 1 do
          for ch = 0, C - 1 do
            local col = (ch * Hh + y) * W + x
            local src = c[3] and (col * O + o) or (o * C * Hh * W + col) -- [in][out] (transB 0, MatMul) or [out][in]
            H.eq(got[1 + o * Hh * W * C + (y * W + x) * C + ch], w[1 + src],
              function() return string.format("%s fc_w[%d][y %d x %d c %d]", c[1], o, y, x, ch) end)
          end
        end
      end
    end
  end
  local r = convert("fc_reshape")
  H.eq(floats(tensor_named(r, "l2.fc_b").raw), { 0, 0, 0, 0, 0 }, "Gemm without C: zero bias")
  local r2, m2 = convert("matmul_hw")
  H.eq(floats(tensor_named(r2, "l2.fc_b").raw), init_values(m2, "fc.bias"), "Add(bias, MatMul) is the bias")
end

-- BatchNormalization with epsilon 0.25, var {0.75, 3.75}, scale {3, 1}:
-- f = scale / sqrt(var + eps) = {3, 0.5}; bias b = {1, -2}, mean {0.5, 1},
-- beta {0.25, -1}: b' = (b - mean) * f + beta = {1.75, -2.5}.
function T.batchnorm_folding_by_hand()
  local r, m = convert("bn_hand")
  local f = { 3, 0.5 }
  H.eq(floats(tensor_named(r, "l1.conv_b").raw), { 1.75, -2.5 }, "conv_b")
  H.eq(floats(tensor_named(r, "l2.dw_b").raw), { 1.75, -2.5 }, "dw_b")
  local w = init_values(m, "c.weight") -- [2][2][3][3]
  local got = floats(tensor_named(r, "l1.conv_w").raw) -- [2][3][3][2]
  for o = 0, 1 do
    for i = 0, 2 do
      for j = 0, 2 do
        for s = 0, 1 do
          H.eq(got[1 + ((o * 3 + i) * 3 + j) * 2 + s], w[1 + ((o * 2 + s) * 3 + i) * 3 + j] * f[o + 1],
            "conv_w, output channel " .. o)
        end
      end
    end
  end
  local wd = init_values(m, "d.weight") -- [2][1][3][3]
  local gd = floats(tensor_named(r, "l2.dw_w").raw) -- [3][3][2]
  for i = 0, 2 do
    for j = 0, 2 do
      for c = 0, 1 do
        H.eq(gd[1 + (i * 3 + j) * 2 + c], wd[1 + (c * 3 + i) * 3 + j] * f[c + 1], "dw_w, channel " .. c)
      end
    end
  end
  H.eq(r.layers[1].nodes, { "c", "c_bn" }, "the BatchNormalization is named in the layer")
end

-- BatchNormalization's default epsilon, after a ConvTranspose: the folded
-- bias differs from the plain (b - mean) * scale / sqrt(var) + beta by the
-- epsilon only, and the weights are scaled per channel (channel last).
function T.batchnorm_after_conv_transpose()
  local r, m = convert("deconv")
  local sc, beta = init_values(m, "up_bn.weight"), init_values(m, "up_bn.bias")
  local mean, var = init_values(m, "up_bn.running_mean"), init_values(m, "up_bn.running_var")
  local b = init_values(m, "up.bias")
  local eps = pb.f32(0x3727C5AC) -- ONNX's default epsilon, 1e-5 as a float attribute
  local got = floats(tensor_named(r, "l1.dw_b").raw)
  local w, gw = init_values(m, "up.weight"), floats(tensor_named(r, "l1.dw_w").raw)
  for c = 1, 3 do
    local fc = sc[c] / math.sqrt(var[c] + eps)
    H.ok(math.abs(got[c] - ((b[c] - mean[c]) * fc + beta[c])) <= 2 ^ -20, "dw_b[" .. c .. "]")
    for k = 0, 8 do
      H.ok(math.abs(gw[1 + k * 3 + c - 1] - w[1 + (c - 1) * 9 + k] * fc) <= 2 ^ -20, "dw_w channel " .. c)
    end
  end
end

function T.activations()
  local r = convert("acts")
  local acts = {}
  for i, L in ipairs(r.layers) do acts[i] = L.act end
  H.eq(acts, { { min = -1, max = 2.5 }, "hswish", "hswish", "hswish", "sigmoid", "hsigmoid", "relu", { min = 0.5 },
    { max = 1.5 } }, "Clip(-1, 2.5), HardSigmoid+Mul both orders, HardSwish, Sigmoid, HardSigmoid, Clip(0), " ..
    "Clip(0.5), Clip(-inf, 1.5)")
  H.eq(convert("dw_mult").layers[1].act, "relu6", "Clip with Constant-node bounds")
  H.eq(convert("separable").layers[1].dw_act, "relu6", "Clip with initializer bounds")
end

function T.residuals()
  local r = convert("residual")
  H.eq({ r.layers[1].residual, r.layers[3].residual, r.layers[4].residual }, { true, "l2", true },
    "own input; a named skip over a fused block; a fused dw->pw's own input")
  local text = map.shapes_text(r, "residual", "r.onnx", "r.safetensors", read_model(GOOD .. "residual.onnx"))
  H.contains(text, 'residual = "l2" }', "named in the text")
end

function T.shapes_text_header()
  local r, m = convert("conv_pw")
  local text = map.shapes_text(r, "conv_pw", "models/conv_pw.onnx", "conv_pw.safetensors", m)
  local lines = H.lines(text)
  H.eq(lines[1], "-- conv_pw: imported from models/conv_pw.onnx by `make import` (sepgen);", "line 1")
  H.eq(lines[3], "-- ONNX: opset 11, producer make_fixtures.py .", "line 3")
  H.contains(text, "-- The input 'input' is NCHW [1, 3, 8, 8]; the generated net takes the same image as NHWC " ..
    "[8][8][3].", "input note")
  H.contains(text, '  name = "conv_pw",\n  input = { h = 8, w = 8, c = 3 },\n', "net fields")
  H.contains(text, '    { name = "l3", op = "conv", k = { 3, 1 }, stride = { 1, 2 }, pad = { 1, 0, 2, 0 }, ' ..
    'cout = 2 }, -- tall\n', "pairs and pads as tables")
  -- control bytes in a node name cannot end the comment
  local r2 = convert("identity")
  r2.layers[1].nodes = { "a\nb" }
  local t2 = map.shapes_text(r2, "identity", "x\n.onnx", "w.safetensors", read_model(GOOD .. "identity.onnx"))
  H.contains(t2, "-- a?b\n", "newline in a node name")
  H.contains(t2, "imported from x?.onnx", "newline in the path")
  H.ok(shapes.load(t2, "identity.lua"), "still loads")
end

---------------------------------------------------------------- errors

-- The mapper's messages for the bad models of tests/bad/onnx (cases.txt
-- lists the substrings bad.sh requires of import.lua; here the message of
-- map.convert itself: it names the node, its position and op).
function T.bad_models_messages()
  local cases = {
    leaky_relu = "node 2 'leaky' (LeakyRelu): op LeakyRelu is not supported; sepgen maps Conv, ConvTranspose " ..
      "(depthwise), BatchNormalization, Relu, Clip, HardSigmoid, HardSwish, Sigmoid, Mul (hswish, squeeze-excite), " ..
      "Add (residual, bias), GlobalAveragePool, GlobalMaxPool, ReduceMean, AveragePool, MaxPool, Pad, Flatten, " ..
      "Reshape, Gemm, MatMul, Softmax, Identity, Dropout, Constant",
    dynamic_dim = "input 'input' has a dynamic dimension 3 ('height'); export with a fixed shape " ..
      "(torch.onnx.export without dynamic_axes)",
    batch2 = "input 'input' has batch 2; sepgen runs batch 1",
    external_data = "node 1 'c' (Conv): tensor 'c.weight' is stored in an external data file; export with the " ..
      "weights inside the model (torch.onnx.export of a model under 2 GB does)",
    swish = "node 2 'sig' (Sigmoid): x * Sigmoid(x) (SiLU, swish) is not one of sepgen's activations (relu, " ..
      "relu6, clamp, hswish, hsigmoid, sigmoid)",
    hardsigmoid_alpha = "node 2 'hsig' (HardSigmoid): HardSigmoid with alpha 0.200000003, beta 0.5: sepgen's " ..
      "hsigmoid is alpha 1/6, beta 0.5",
    add_after_act = "node 3 'add' (Add): the residual is added after l1's activation; sepgen adds it before " ..
      "(out = act(f(in) + x))",
    maxpool_ceil = "node 1 'mp' (MaxPool): ceil_mode = 1 is not supported (floor only)",
    opset9 = "opset 9; sepgen reads opsets 11 to 18 (torch.onnx.export(..., opset_version=17))",
    opset19 = "opset 19; sepgen reads opsets 11 to 18 (torch.onnx.export(..., opset_version=17))",
    two_inputs = "the graph has 2 inputs; sepgen maps a model with one image input",
    clip_nan = "node 2 'clip' (Clip): a Clip bound is NaN",
    bn_var_negative = "node 2 'bn' (BatchNormalization): var + epsilon is not positive for channel 1 " ..
      "(-1 + 9.99999975e-06)",
  }
  for name, want in pairs(cases) do
    local r, err = map.convert(read_model(BAD .. name .. ".onnx"), "n")
    H.eq(r, nil, name .. ": no result")
    H.eq(err, want, name)
  end
  H.contains(select(2, map.convert(read_model(BAD .. "concat.onnx"), "n")),
    "node 2 'cat' (Concat): op Concat is not supported; sepgen maps Conv,", "concat")
end

-- Fields out of sepgen's ranges pass the mapper; the generator's validation
-- rejects them, and the layer keeps the node it came from for the message.
function T.out_of_range_fields_name_their_node()
  for _, c in ipairs({ { "conv_pads_big", "node 1 'wide' (Conv)", 'n.lua: layer 1 "l1": pad: must be in 0..' },
    { "conv_dilation_9", "node 1 'holes' (Conv)", 'n.lua: layer 1 "l1": dilation: must be an integer in 1..8' } }) do
    local m = read_model(BAD .. c[1] .. ".onnx")
    local r = assert(map.convert(m, "n"))
    H.eq(r.layers[1].origin, c[2], c[1] .. ": origin")
    local net, errs = shapes.load(map.shapes_text(r, "n", "m.onnx", "n.safetensors", m), "n.lua")
    H.eq(net, nil, c[1] .. " is rejected")
    H.contains(errs[1], c[3], c[1])
  end
  -- a fused separable keeps its depthwise node's
  H.eq(convert("separable").layers[1].origin, "node 1 'dw' (Conv)", "separable")
end

return T
