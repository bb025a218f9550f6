-- onnx.lua - reads an ONNX model (ModelProto, onnx.proto of ONNX 1.x) into
-- plain tables; README "From PyTorch to C".  Only what the importer needs
-- is kept: the opsets, the graph's nodes, initializers, inputs and outputs.
--
--   model = { ir_version, opset = { [domain] = version }, producer,
--             graph = { name, nodes, inits, inputs, outputs } }
--   node  = { index, name, op, domain, inputs = {..}, outputs = {..},
--             attrs = { [name] = attr } }
--   attr  = { type = "float"|"int"|"string"|"tensor"|"floats"|"ints"|...,
--             value = number | string | tensor | list }
--   tensor = { name, dims = {..}, dtype = "float"|"int64"|..., and one of
--              raw (little-endian float32 bytes, for float tensors),
--              values (numbers: integer tensors, or float tensors given
--              in float_data/double_data) }
--   value_info = { name, elem, dims = { number or string (a symbolic dim) } }
--
-- M.read(bytes) returns model or nil, message.  Field numbers are those of
-- onnx.proto; unknown fields are skipped, as protobuf readers do.
local pb = require("protobuf")

local M = {}

local DTYPES = { [1] = "float", [2] = "uint8", [3] = "int8", [4] = "uint16", [5] = "int16", [6] = "int32",
  [7] = "int64", [8] = "string", [9] = "bool", [10] = "float16", [11] = "double", [12] = "uint32",
  [13] = "uint64", [14] = "complex64", [15] = "complex128", [16] = "bfloat16" }
M.DTYPES = DTYPES

local ATTR_TYPES = { [1] = "float", [2] = "int", [3] = "string", [4] = "tensor", [5] = "graph", [6] = "floats",
  [7] = "ints", [8] = "strings", [9] = "tensors", [10] = "graphs", [11] = "sparse_tensor",
  [12] = "sparse_tensors", [13] = "type_proto", [14] = "type_protos" }

local function str(s, a, b) return s:sub(a, b) end

-- TensorProto
local function tensor(s, first, last)
  local t = { dims = {}, dtype_id = 0, name = "" }
  local floats, ints, doubles, external = nil, nil, nil, false
  pb.each(s, first, last, function(f, w, a, b)
    if f == 1 then
      if w == 2 then pb.packed_varints(s, a, b, t.dims) else t.dims[#t.dims + 1] = a end
    elseif f == 2 and w == 0 then t.dtype_id = a
    elseif f == 4 then
      floats = floats or {}
      if w == 2 then pb.packed_u32(s, a, b, floats) elseif w == 5 then floats[#floats + 1] = a end
    elseif (f == 5 or f == 7 or f == 11) then
      ints = ints or {}
      if w == 2 then pb.packed_varints(s, a, b, ints) elseif w == 0 then ints[#ints + 1] = a end
    elseif f == 10 then
      doubles = doubles or {}
      if w == 2 then
        for i = a, b, 8 do doubles[#doubles + 1] = pb.f64(s, i) end
      elseif w == 1 then doubles[#doubles + 1] = pb.f64(s, a) end
    elseif f == 8 and w == 2 then t.name = str(s, a, b)
    elseif f == 9 and w == 2 then t.raw = str(s, a, b)
    elseif f == 13 then external = true
    elseif f == 14 and w == 0 and a == 1 then external = true
    end
  end)
  t.dtype = DTYPES[t.dtype_id] or ("type " .. t.dtype_id)
  t.external = external
  local n = 1
  for _, d in ipairs(t.dims) do n = n * d end
  t.count = n
  if floats then
    t.values = {}
    for i, bits in ipairs(floats) do t.values[i] = pb.f32(bits) end
    t.bits = floats
  elseif doubles then t.values = doubles
  elseif ints then t.values = ints end
  return t
end
M.tensor = tensor

-- The numbers of tensor t (raw_data decoded for float, int32 and int64
-- tensors), or nil, message.  For constants: shapes, clip bounds, axes.
function M.numbers(t)
  if t.values then return t.values end
  if not t.raw then
    if t.count == 0 then return {} end
    return nil, "no data"
  end
  local s, v = t.raw, {}
  if t.dtype == "float" then
    if #s ~= 4 * t.count then return nil, "raw_data of " .. #s .. " bytes for " .. t.count .. " floats" end
    v = pb.f32_list(s)
  elseif t.dtype == "int64" then
    if #s ~= 8 * t.count then return nil, "raw_data of " .. #s .. " bytes for " .. t.count .. " int64" end
    for i = 1, t.count do
      local lo, hi = pb.u32(s, 8 * i - 7), pb.u32(s, 8 * i - 3)
      if hi >= 2 ^ 31 then v[i] = -((2 ^ 32 - 1 - hi) * 2 ^ 32 + (2 ^ 32 - lo))
      else v[i] = hi * 2 ^ 32 + lo end
    end
  elseif t.dtype == "int32" then
    if #s ~= 4 * t.count then return nil, "raw_data of " .. #s .. " bytes for " .. t.count .. " int32" end
    for i = 1, t.count do
      local u = pb.u32(s, 4 * i - 3)
      v[i] = u >= 2 ^ 31 and u - 2 ^ 32 or u
    end
  elseif t.dtype == "double" then
    if #s ~= 8 * t.count then return nil, "raw_data of " .. #s .. " bytes for " .. t.count .. " doubles" end
    for i = 1, t.count do v[i] = pb.f64(s, 8 * i - 7) end
  else
    return nil, "data type " .. t.dtype
  end
  return v
end

-- AttributeProto
local function attribute(s, first, last)
  local name, typ = "", 0
  local val = { f = nil, i = nil, s = nil, t = nil, floats = {}, ints = {}, strings = {} }
  pb.each(s, first, last, function(f, w, a, b)
    if f == 1 and w == 2 then name = str(s, a, b)
    elseif f == 20 and w == 0 then typ = a
    elseif f == 2 and w == 5 then val.f = pb.f32(a)
    elseif f == 3 and w == 0 then val.i = a
    elseif f == 4 and w == 2 then val.s = str(s, a, b)
    elseif f == 5 and w == 2 then val.t = tensor(s, a, b)
    elseif f == 7 then
      if w == 2 then
        local bits = pb.packed_u32(s, a, b, {})
        for _, x in ipairs(bits) do val.floats[#val.floats + 1] = pb.f32(x) end
      elseif w == 5 then val.floats[#val.floats + 1] = pb.f32(a) end
    elseif f == 8 then
      if w == 2 then pb.packed_varints(s, a, b, val.ints) elseif w == 0 then val.ints[#val.ints + 1] = a end
    elseif f == 9 and w == 2 then val.strings[#val.strings + 1] = str(s, a, b)
    end
  end)
  local tname = ATTR_TYPES[typ]
  if not tname then
    -- old files may leave the type out: infer it from what is set
    if val.f then tname = "float" elseif val.i then tname = "int" elseif val.s then tname = "string"
    elseif val.t then tname = "tensor" elseif #val.floats > 0 then tname = "floats"
    elseif #val.ints > 0 then tname = "ints" else tname = "undefined" end
  end
  local v = ({ float = val.f, int = val.i, string = val.s, tensor = val.t, floats = val.floats,
    ints = val.ints, strings = val.strings })[tname]
  return name, { type = tname, value = v }
end

-- NodeProto
local function node(s, first, last, index)
  local n = { index = index, name = "", op = "", domain = "", inputs = {}, outputs = {}, attrs = {} }
  pb.each(s, first, last, function(f, w, a, b)
    if w ~= 2 then return end
    if f == 1 then n.inputs[#n.inputs + 1] = str(s, a, b)
    elseif f == 2 then n.outputs[#n.outputs + 1] = str(s, a, b)
    elseif f == 3 then n.name = str(s, a, b)
    elseif f == 4 then n.op = str(s, a, b)
    elseif f == 7 then n.domain = str(s, a, b)
    elseif f == 5 then
      local k, v = attribute(s, a, b)
      n.attrs[k] = v
    end
  end)
  return n
end

-- ValueInfoProto: name and, for a tensor type, its element type and dims.
local function value_info(s, first, last)
  local vi = { name = "", dims = nil, elem = nil }
  pb.each(s, first, last, function(f, w, a, b)
    if f == 1 and w == 2 then vi.name = str(s, a, b)
    elseif f == 2 and w == 2 then
      pb.each(s, a, b, function(f2, w2, a2, b2)            -- TypeProto
        if f2 ~= 1 or w2 ~= 2 then return end                -- tensor_type
        pb.each(s, a2, b2, function(f3, w3, a3, b3)         -- TypeProto.Tensor
          if f3 == 1 and w3 == 0 then vi.elem = DTYPES[a3] or ("type " .. a3)
          elseif f3 == 2 and w3 == 2 then
            vi.dims = {}
            pb.each(s, a3, b3, function(f4, w4, a4, b4)     -- TensorShapeProto
              if f4 ~= 1 or w4 ~= 2 then return end
              local d = "?"
              pb.each(s, a4, b4, function(f5, w5, a5, b5)   -- Dimension
                if f5 == 1 and w5 == 0 then d = a5
                elseif f5 == 2 and w5 == 2 then d = str(s, a5, b5) end
              end)
              vi.dims[#vi.dims + 1] = d
            end)
          end
        end)
      end)
    end
  end)
  return vi
end

-- GraphProto
local function graph(s, first, last)
  local g = { name = "", nodes = {}, inits = {}, init_order = {}, inputs = {}, outputs = {}, sparse = false }
  pb.each(s, first, last, function(f, w, a, b)
    if w ~= 2 then return end
    if f == 1 then g.nodes[#g.nodes + 1] = node(s, a, b, #g.nodes + 1)
    elseif f == 2 then g.name = str(s, a, b)
    elseif f == 5 then
      local t = tensor(s, a, b)
      g.inits[t.name] = t
      g.init_order[#g.init_order + 1] = t.name
    elseif f == 15 then g.sparse = true
    elseif f == 11 then g.inputs[#g.inputs + 1] = value_info(s, a, b)
    elseif f == 12 then g.outputs[#g.outputs + 1] = value_info(s, a, b)
    end
  end)
  return g
end

-- The model in bytes, or nil, message.
function M.read(bytes)
  local model = { opset = {}, producer = "" }
  local graphs = 0
  local ok, err = pcall(function()
    pb.each(bytes, 1, #bytes, function(f, w, a, b)
      if f == 1 and w == 0 then model.ir_version = a
      elseif f == 2 and w == 2 then model.producer = str(bytes, a, b)
      elseif f == 3 and w == 2 then model.producer_version = str(bytes, a, b)
      elseif f == 8 and w == 2 then
        local domain, version = "", nil
        pb.each(bytes, a, b, function(f2, w2, a2, b2)
          if f2 == 1 and w2 == 2 then domain = str(bytes, a2, b2)
          elseif f2 == 2 and w2 == 0 then version = a2 end
        end)
        if domain == "ai.onnx" then domain = "" end
        model.opset[domain] = version
      elseif f == 7 and w == 2 then
        graphs = graphs + 1
        model.graph = graph(bytes, a, b)
      end
    end)
  end)
  if not ok then
    if type(err) == "table" then return nil, "not a readable ONNX file (" .. err.msg .. ")" end
    error(err, 0)
  end
  if not model.ir_version or graphs ~= 1 or not model.graph then
    return nil, "not an ONNX model (no " .. (model.ir_version and "graph" or "ir_version") .. " field)"
  end
  return model
end

return M
