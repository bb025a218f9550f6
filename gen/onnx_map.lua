-- onnx_map.lua - maps an ONNX graph (onnx.lua's tables) to sepgen layers
-- and their weights (SPEC section 10, README "From PyTorch to C").
--
-- One pass over the nodes in their (topological) order keeps, for every
-- tensor, its NHWC shape and the layer that produced it; each node either
-- starts a layer (Conv, ConvTranspose, pools, Gemm/MatMul, Softmax) or is
-- folded into the layer that produced its input (BatchNormalization, the
-- activations, Add as a residual, a bias Add).  Pad is held for the next
-- conv or pool; the squeeze-excite subgraph is recognised at its pooling
-- node.  A second pass fuses dwconv -> pwconv pairs into `separable`.
--
-- Weights are kept as little-endian float32 bytes (ONNX's raw_data is
-- safetensors' data): reordering them from ONNX's layouts (OIHW, NCHW
-- flatten order) to SPEC section 4/8's moves 4-byte strings and does no
-- arithmetic, so values are bit-exact and the same on every Lua; only
-- BatchNormalization folding computes (in doubles, rounded once).
local pb = require("protobuf")
local onnx = require("onnx")
local safetensors = require("safetensors")
local util = require("util")

local M = {}

local floor = math.floor

M.SUPPORTED = { "Conv", "ConvTranspose (depthwise)", "BatchNormalization", "Relu", "Clip", "HardSigmoid",
  "HardSwish", "Sigmoid", "Mul (hswish, squeeze-excite)", "Add (residual, bias)", "GlobalAveragePool",
  "GlobalMaxPool", "ReduceMean", "AveragePool", "MaxPool", "Pad", "Flatten", "Reshape", "Gemm", "MatMul",
  "Softmax", "Identity", "Dropout", "Constant" }
M.OPSET_MIN, M.OPSET_MAX = 11, 18

-- errors: raised as { msg = ... } and returned by M.convert as nil, msg
local function fail(msg) error({ msg = msg }, 0) end

local function where(n)
  return string.format("node %d '%s' (%s)", n.index, n.name ~= "" and n.name or n.outputs[1] or "?", n.op)
end

local function nfail(n, msg) fail(where(n) .. ": " .. msg) end

-- weights as raw float32 bytes ---------------------------------------------

local ZERO4 = "\0\0\0\0"

local function zeros(n) return string.rep(ZERO4, n) end

-- The bytes of an array of dims `dims` (row-major) with its axes reordered:
-- result axis k is source axis order[k].
local function permute(raw, dims, order)
  local nd = #dims
  local strides = {}
  local s = 1
  for k = nd, 1, -1 do strides[k] = s; s = s * dims[k] end
  local odims, ostr = {}, {}
  for k = 1, nd do odims[k] = dims[order[k]]; ostr[k] = strides[order[k]] end
  local out, idx = {}, {}
  for k = 1, nd do idx[k] = 0 end
  local n = s
  for i = 1, n do
    local src = 0
    for k = 1, nd do src = src + idx[k] * ostr[k] end
    out[i] = raw:sub(4 * src + 1, 4 * src + 4)
    local k = nd
    while k >= 1 do
      idx[k] = idx[k] + 1
      if idx[k] < odims[k] then break end
      idx[k] = 0
      k = k - 1
    end
  end
  return table.concat(out)
end

local to_numbers = pb.f32_list

-- The float32 bytes of numbers v, for node n's tensor `what`; a value that
-- float32 cannot hold (NaN, infinite, beyond its range, as a BatchNormalization
-- of a tiny variance can give) is an error, as it is in a weights file.
local ROUNDS_TO_INF = (2 - 2 ^ -24) * 2 ^ 127 -- float32's largest + half an ulp: ties go to even, infinity

local function from_numbers(n, v, what)
  for i = 1, #v do
    local x = v[i]
    if x ~= x or x >= ROUNDS_TO_INF or x <= -ROUNDS_TO_INF then
      local shown = x ~= x and "NaN" or string.format("%.9g", x)
      nfail(n, what .. ": element " .. (i - 1) .. " is not a finite float32 (" .. shown .. ")")
    end
  end
  return safetensors.f32bytes(v)
end

-- the model's tensors ------------------------------------------------------

local function new_state(model, file)
  local g = model.graph
  local st = { file = file, g = g, inits = g.inits, vals = {}, layers = {}, consumers = {}, skip = {},
    opset = model.opset[""] }
  for _, n in ipairs(g.nodes) do
    for _, x in ipairs(n.inputs) do
      if x ~= "" then
        st.consumers[x] = st.consumers[x] or {}
        table.insert(st.consumers[x], n)
      end
    end
  end
  return st
end

-- The float32 bytes of initializer (or Constant) `name`, checked.
local function init_raw(st, n, name, what)
  if not name or name == "" then nfail(n, "the " .. what .. " input is missing") end
  local t = st.inits[name]
  if not t then
    nfail(n, what .. " '" .. name .. "' is not a constant initializer (sepgen bakes weights at build time)")
  end
  if t.external then nfail(n, "tensor '" .. name .. "' is stored in an external data file; " ..
    "export with the weights inside the model (torch.onnx.export of a model under 2 GB does)") end
  if t.dtype ~= "float" then nfail(n, what .. " '" .. name .. "' is " .. t.dtype .. ", not float32") end
  local raw = t.raw
  if not raw then
    if t.bits then raw = safetensors.bytes(t.bits)
    elseif t.values then raw = from_numbers(n, t.values, what .. " '" .. name .. "'")
    elseif t.count == 0 then raw = ""
    else nfail(n, what .. " '" .. name .. "' has no data") end
  end
  if #raw ~= 4 * t.count then
    nfail(n, what .. " '" .. name .. "': " .. #raw .. " bytes of data for " .. t.count .. " floats")
  end
  for i = 1, t.count do
    local b = pb.u32(raw, 4 * i - 3)
    if safetensors.nonfinite(b) then nfail(n, what .. " '" .. name .. "' holds a value that is not finite") end
  end
  return raw, t.dims
end

-- The numbers of a small constant input (Clip bounds, shapes, axes, pads).
local function const_numbers(st, n, name, what)
  if not name or name == "" then nfail(n, "the " .. what .. " input is missing") end
  local t = st.inits[name]
  if not t then nfail(n, what .. " '" .. name .. "' is not a constant") end
  local v, err = onnx.numbers(t)
  if not v then nfail(n, what .. " '" .. name .. "': " .. err) end
  return v
end

local function attr(n, key, default, typ)
  local a = n.attrs[key]
  if a == nil then return default end
  if typ and a.type ~= typ then nfail(n, "attribute " .. key .. " is " .. a.type .. ", expected " .. typ) end
  -- a damaged file may give the type without the value
  if a.value == nil then nfail(n, "attribute " .. key .. " has no value") end
  return a.value
end

-- activation values --------------------------------------------------------

-- The tensor `name` as an activation: { shape = {h, w, c}, layer, input }.
local function val(st, n, name)
  if not name or name == "" then nfail(n, "the data input is missing") end
  local v = st.vals[name]
  if not v then
    if st.inits[name] then nfail(n, "input '" .. name .. "' is a constant where sepgen expects the activations") end
    nfail(n, "input '" .. name .. "' is not produced by any node sepgen maps")
  end
  return v
end

local function n_consumers(st, name)
  return st.consumers[name] and #st.consumers[name] or 0
end

local function set_out(st, n, v, i) st.vals[n.outputs[i or 1]] = v end

-- A new layer reading value `inp`, writing n's output.
local function new_layer(st, n, inp, L, shape)
  L.nodes = { n.name ~= "" and n.name or n.op }
  L.origin = where(n) -- import.lua names it when the generator rejects the layer
  L.input_val = inp
  L.index = #st.layers + 1
  L.name = "l" .. L.index
  st.layers[#st.layers + 1] = L
  local v = { shape = shape, layer = L, pad = nil }
  set_out(st, n, v)
  L.out_val = v
  return L
end

-- The layer whose output is v, when n may still change that layer: v is
-- its current output, and nothing but n reads it.
local function owner(st, n, v, name, what)
  local L = v.layer
  if not L or L.out_val ~= v then nfail(n, what .. " does not follow a layer sepgen maps") end
  if n_consumers(st, name) > 1 then
    nfail(n, what .. " reads a tensor that other nodes read too: it cannot be folded into the layer before it")
  end
  return L
end

-- geometry -------------------------------------------------------------------

local function pads_of(n, inp, k, s, d)
  local auto = attr(n, "auto_pad", "NOTSET", "string")
  local p = attr(n, "pads", nil, "ints")
  local t, l, b, r = 0, 0, 0, 0
  if p and #p > 0 then
    if #p ~= 4 then nfail(n, "pads has " .. #p .. " values; sepgen maps 2-D (4 pads)") end
    t, l, b, r = p[1], p[2], p[3], p[4]
  end
  if auto == "SAME_UPPER" or auto == "SAME_LOWER" then
    local function same(size, kk, ss, dd)
      local o = util.ceil_div(size, ss)
      local tot = math.max(0, (o - 1) * ss + (kk - 1) * dd + 1 - size)
      local lo = floor(tot / 2)
      if auto == "SAME_LOWER" then lo = tot - lo end
      return lo, tot - lo
    end
    t, b = same(inp.shape[1], k[1], s[1], d[1])
    l, r = same(inp.shape[2], k[2], s[2], d[2])
  elseif auto == "VALID" then t, l, b, r = 0, 0, 0, 0
  elseif auto ~= "NOTSET" then nfail(n, "auto_pad " .. auto .. " is not known")
  end
  if inp.pad then -- a Pad node before
    t, l, b, r = t + inp.pad[1], l + inp.pad[2], b + inp.pad[3], r + inp.pad[4]
  end
  for _, v in ipairs({ t, l, b, r }) do if v < 0 then nfail(n, "negative padding") end end
  return { t, l, b, r }
end

local function out_size(n, size, k, s, d, lo, hi)
  local o = floor((size + lo + hi - (k - 1) * d - 1) / s) + 1
  if o < 1 then nfail(n, "the output would be empty (input " .. size .. ", kernel " .. k .. ")") end
  return o
end

local function pair(n, key, default)
  local v = attr(n, key, nil, "ints")
  if not v or #v == 0 then return { default, default } end
  if #v ~= 2 then nfail(n, key .. " has " .. #v .. " values; sepgen maps 2-D images (2 values)") end
  return { v[1], v[2] }
end

local function pad_text(p)
  if p[1] == 0 and p[2] == 0 and p[3] == 0 and p[4] == 0 then return "valid" end
  if p[1] == p[2] and p[1] == p[3] and p[1] == p[4] then return p[1] end
  return p
end

local function geometry(n, inp, kdims)
  local k = pair(n, "kernel_shape", nil)
  if k[1] == nil then k = kdims end
  if not k then nfail(n, "no kernel_shape") end
  local s = pair(n, "strides", 1)
  local d = pair(n, "dilations", 1)
  local p = pads_of(n, inp, k, s, d)
  local oh = out_size(n, inp.shape[1], k[1], s[1], d[1], p[1], p[3])
  local ow = out_size(n, inp.shape[2], k[2], s[2], d[2], p[2], p[4])
  return k, s, d, p, oh, ow
end

local function one_or_pair(v) if v[1] == v[2] then return v[1] end return { v[1], v[2] } end
local function dilation_field(d) if d[1] == 1 and d[2] == 1 then return nil end return one_or_pair(d) end

-- ops ------------------------------------------------------------------------

local function conv_bias(st, n, cout)
  if n.inputs[3] and n.inputs[3] ~= "" then
    local raw = init_raw(st, n, n.inputs[3], "bias")
    if #raw ~= 4 * cout then nfail(n, "bias of " .. (#raw / 4) .. " values for " .. cout .. " outputs") end
    return raw
  end
  return zeros(cout)
end

local function conv(st, n)
  local inp = val(st, n, n.inputs[1])
  local raw, wd = init_raw(st, n, n.inputs[2], "weight")
  if #wd ~= 4 then nfail(n, "weight of " .. #wd .. " dimensions; sepgen maps 2-D convolutions (4)") end
  local cin = inp.shape[3]
  local g = attr(n, "group", 1, "int")
  if g < 1 then nfail(n, "group " .. g) end
  local cout, cpg, kh, kw = wd[1], wd[2], wd[3], wd[4]
  if cin % g ~= 0 or cout % g ~= 0 or cpg * g ~= cin then
    nfail(n, string.format("weight [%d, %d, %d, %d] with group %d does not fit %d input channels",
      cout, cpg, kh, kw, g, cin))
  end
  local k, s, d, p, oh, ow = geometry(n, inp, { kh, kw })
  if k[1] ~= kh or k[2] ~= kw then nfail(n, "kernel_shape does not match the weight") end
  local bias = conv_bias(st, n, cout)
  local L
  local shape = { oh, ow, cout }
  local pointwise = kh == 1 and kw == 1 and s[1] == 1 and s[2] == 1 and p[1] + p[2] + p[3] + p[4] == 0
  if g == cin and g > 1 and cpg == 1 then
    L = { op = "dwconv", k = one_or_pair(k), stride = one_or_pair(s), dilation = dilation_field(d),
      pad = pad_text(p), mult = cout > cin and cout / cin or nil }
    L.w = { dw_w = { raw = permute(raw, { cout, kh, kw }, { 2, 3, 1 }), shape = { kh, kw, cout } },
      dw_b = { raw = bias, shape = { cout } } }
    L.last = "dw"
  elseif pointwise then
    L = { op = "pwconv", cout = cout, groups = g > 1 and g or nil }
    L.w = { pw_w = { raw = raw, shape = { cout, cpg } }, pw_b = { raw = bias, shape = { cout } } }
    L.last = "pw"
  else
    L = { op = "conv", k = one_or_pair(k), stride = one_or_pair(s), dilation = dilation_field(d),
      pad = pad_text(p), cout = cout, groups = g > 1 and g or nil }
    L.w = { conv_w = { raw = permute(raw, { cout, cpg, kh, kw }, { 1, 3, 4, 2 }), shape = { cout, kh, kw, cpg } },
      conv_b = { raw = bias, shape = { cout } } }
    L.last = "conv"
  end
  new_layer(st, n, inp, L, shape)
end

local function conv_transpose(st, n)
  local inp = val(st, n, n.inputs[1])
  local raw, wd = init_raw(st, n, n.inputs[2], "weight")
  local cin = inp.shape[3]
  local g = attr(n, "group", 1, "int")
  if g < 1 then nfail(n, "group " .. g) end
  if #wd ~= 4 or g ~= cin or wd[1] ~= cin or wd[2] ~= 1 then
    nfail(n, "sepgen maps a ConvTranspose only when it is depthwise (group = channels, multiplier 1: " ..
      "dwdeconv); this one has group " .. g .. " on " .. cin .. " channels")
  end
  if inp.pad then nfail(n, "a Pad before a ConvTranspose cannot be folded") end
  local kh, kw = wd[3], wd[4]
  local s = pair(n, "strides", 1)
  local d = pair(n, "dilations", 1)
  local op = pair(n, "output_padding", 0)
  if attr(n, "output_shape", nil, "ints") then nfail(n, "output_shape is not supported; give pads") end
  local auto = attr(n, "auto_pad", "NOTSET", "string")
  if auto ~= "NOTSET" then nfail(n, "auto_pad " .. auto .. " on a ConvTranspose; export explicit pads") end
  local pp = attr(n, "pads", nil, "ints") or {}
  if #pp ~= 0 and #pp ~= 4 then nfail(n, "pads has " .. #pp .. " values; sepgen maps 2-D (4 pads)") end
  local p = { pp[1] or 0, pp[2] or 0, pp[3] or 0, pp[4] or 0 }
  local oh = (inp.shape[1] - 1) * s[1] + (kh - 1) * d[1] + 1 - p[1] - p[3] + op[1]
  local ow = (inp.shape[2] - 1) * s[2] + (kw - 1) * d[2] + 1 - p[2] - p[4] + op[2]
  if oh < 1 or ow < 1 then nfail(n, "the output would be empty") end
  local L = { op = "dwdeconv", k = one_or_pair({ kh, kw }), stride = one_or_pair(s), dilation = dilation_field(d),
    pad = pad_text(p), out = { h = oh, w = ow } }
  L.w = { dw_w = { raw = permute(raw, { cin, kh, kw }, { 2, 3, 1 }), shape = { kh, kw, cin } },
    dw_b = { raw = conv_bias(st, n, cin), shape = { cin } } }
  L.last = "dw"
  new_layer(st, n, inp, L, { oh, ow, cin })
end

-- BatchNormalization after a conv: w' = w * g / sqrt(var + eps), b' = (b - mean) * g / sqrt(var + eps) + beta
local function batchnorm(st, n)
  local v = val(st, n, n.inputs[1])
  local L = owner(st, n, v, n.inputs[1], "BatchNormalization")
  if L.act or L.residual or not L.last or L.last == "se" then
    nfail(n, "BatchNormalization must follow a Conv or ConvTranspose directly")
  end
  local c = v.shape[3]
  local vals = {}
  for i, what in ipairs({ "scale", "bias", "mean", "var" }) do
    local raw = init_raw(st, n, n.inputs[i + 1], what)
    if #raw ~= 4 * c then nfail(n, what .. " of " .. (#raw / 4) .. " values for " .. c .. " channels") end
    vals[what] = to_numbers(raw)
  end
  -- the default is the float attribute 1e-5, i.e. float32's 9.99999975e-06:
  -- the same number as an exporter that writes epsilon = 1e-5 gives
  local eps = attr(n, "epsilon", pb.f32(0x3727C5AC), "float")
  local f = {}
  for i = 1, c do
    -- sqrt of a negative (or a NaN epsilon) is NaN: say which channel instead
    local d = vals.var[i] + eps
    if d <= 0 or d ~= d then
      nfail(n, string.format("var + epsilon is not positive for channel %d (%.9g + %.9g)", i - 1, vals.var[i], eps))
    end
    f[i] = vals.scale[i] / math.sqrt(vals.var[i] + eps)
  end
  local wname = L.last .. "_w"
  local bname = L.last .. "_b"
  local w = to_numbers(L.w[wname].raw)
  local shape = L.w[wname].shape
  if L.last == "conv" or L.last == "pw" then
    local per = #w / c -- output channel first
    for o = 1, c do
      for j = 1, per do w[(o - 1) * per + j] = w[(o - 1) * per + j] * f[o] end
    end
  else -- dw: channel last
    for i = 1, #w do w[i] = w[i] * f[(i - 1) % shape[#shape] + 1] end
  end
  local b = to_numbers(L.w[bname].raw)
  for o = 1, c do b[o] = (b[o] - vals.mean[o]) * f[o] + vals.bias[o] end
  L.w[wname].raw = from_numbers(n, w, "the folded weights")
  L.w[bname].raw = from_numbers(n, b, "the folded bias")
  table.insert(L.nodes, n.name ~= "" and n.name or n.op)
  set_out(st, n, v)
end

local function const_bound(st, n, i)
  local name = n.inputs[i]
  if not name or name == "" then return nil end
  local v = const_numbers(st, n, name, i == 2 and "min" or "max")
  if #v ~= 1 then nfail(n, "Clip bound of " .. #v .. " values") end
  return v[1]
end

local function act_of(st, n)
  if n.op == "Relu" then return "relu" end
  if n.op == "Sigmoid" then return "sigmoid" end
  if n.op == "HardSwish" then return "hswish" end
  if n.op == "HardSigmoid" then
    local a, b = attr(n, "alpha", 0.2, "float"), attr(n, "beta", 0.5, "float")
    if math.abs(a - 1 / 6) > 1e-6 or b ~= 0.5 then
      nfail(n, string.format("HardSigmoid with alpha %.9g, beta %.9g: sepgen's hsigmoid is alpha 1/6, beta 0.5", a, b))
    end
    return "hsigmoid"
  end
  if n.op == "Clip" then
    local lo, hi
    if st.opset < 11 or n.attrs.min or n.attrs.max then
      lo, hi = attr(n, "min", nil, "float"), attr(n, "max", nil, "float")
    else
      lo, hi = const_bound(st, n, 2), const_bound(st, n, 3)
    end
    -- an infinite bound (or float32's largest) clamps nothing: an open side
    local FLT_MAX = (2 - 2 ^ -23) * 2 ^ 127
    if (lo and lo ~= lo) or (hi and hi ~= hi) then nfail(n, "a Clip bound is NaN") end
    if lo and lo <= -FLT_MAX then lo = nil end
    if hi and hi >= FLT_MAX then hi = nil end
    if lo == nil and hi == nil then return nil end
    if lo == 0 and hi == 6 then return "relu6" end
    if lo == 0 and hi == nil then return "relu" end
    if lo and hi and lo > hi then nfail(n, "Clip with min > max") end
    return { min = lo, max = hi }
  end
end

-- x * HardSigmoid(x) (and HardSwish): is n the HardSigmoid of such a pair?
local function hswish_pair(st, n)
  local cons = st.consumers[n.outputs[1]]
  if not cons or #cons ~= 1 or cons[1].op ~= "Mul" then return nil end
  local m = cons[1]
  local x = n.inputs[1]
  if (m.inputs[1] == x and m.inputs[2] == n.outputs[1]) or (m.inputs[2] == x and m.inputs[1] == n.outputs[1]) then
    return m
  end
end

local function activation(st, n)
  local v = val(st, n, n.inputs[1])
  local act = act_of(st, n)
  local mul = n.op == "HardSigmoid" and hswish_pair(st, n)
  if mul then
    act = "hswish"
    -- x is read by the HardSigmoid and the Mul: two readers, one layer
    local L = v.layer
    if not L or L.out_val ~= v or n_consumers(st, n.inputs[1]) ~= 2 then
      nfail(n, "x * HardSigmoid(x) does not follow a layer sepgen maps")
    end
    st.skip[mul] = true
    table.insert(L.nodes, n.name ~= "" and n.name or n.op)
    table.insert(L.nodes, mul.name ~= "" and mul.name or mul.op)
    if L.act then nfail(n, "a second activation after " .. L.name) end
    L.act = act
    st.vals[mul.outputs[1]] = v
    return
  end
  if n.op == "Sigmoid" then
    local cons = st.consumers[n.outputs[1]]
    if cons and #cons == 1 and cons[1].op == "Mul" then
      local m = cons[1]
      if m.inputs[1] == n.inputs[1] or m.inputs[2] == n.inputs[1] then
        nfail(n, "x * Sigmoid(x) (SiLU, swish) is not one of sepgen's activations (relu, relu6, clamp, " ..
          "hswish, hsigmoid, sigmoid)")
      end
    end
  end
  local L = owner(st, n, v, n.inputs[1], n.op)
  if L.act then nfail(n, "a second activation after " .. L.name .. " cannot be expressed") end
  L.act = act
  table.insert(L.nodes, n.name ~= "" and n.name or n.op)
  set_out(st, n, v)
end

-- Add: a residual (two activations) or a bias (after MatMul).
local function add(st, n)
  local a, b = n.inputs[1], n.inputs[2]
  if st.inits[a] or st.inits[b] then
    local x = st.inits[a] and b or a
    local v = val(st, n, x)
    local L = owner(st, n, v, x, "Add of a constant")
    if L.op ~= "fc" or L.act or L.has_bias then
      nfail(n, "sepgen folds an Add of a constant only as the bias of a MatMul")
    end
    local raw = init_raw(st, n, st.inits[a] and a or b, "bias")
    if #raw ~= 4 * L.cout then nfail(n, "bias of " .. (#raw / 4) .. " values for " .. L.cout .. " outputs") end
    L.w.fc_b.raw = raw
    L.has_bias = true
    table.insert(L.nodes, n.name ~= "" and n.name or n.op)
    set_out(st, n, v)
    return
  end
  local va, vb = val(st, n, a), val(st, n, b)
  local cur, skip, curname = va, vb, a
  if not (va.layer and va.layer.out_val == va and va.layer == st.layers[#st.layers]) then
    cur, skip, curname = vb, va, b
  end
  local L = cur.layer
  if not L or L.out_val ~= cur or L ~= st.layers[#st.layers] then
    nfail(n, "neither input is the output of the layer just before; sepgen adds a residual to a layer's output")
  end
  owner(st, n, cur, curname, "Add")
  if L.residual then nfail(n, "a second residual Add on " .. L.name) end
  if L.act then
    nfail(n, "the residual is added after " .. L.name .. "'s activation; sepgen adds it before " ..
      "(out = act(f(in) + x))")
  end
  local s1, s2 = cur.shape, skip.shape
  if s1[1] ~= s2[1] or s1[2] ~= s2[2] or s1[3] ~= s2[3] then
    nfail(n, string.format("adds %dx%dx%d to %dx%dx%d (broadcasting is not supported)", s2[1], s2[2], s2[3],
      s1[1], s1[2], s1[3]))
  end
  if skip == L.input_val then L.residual = true
  else
    local src
    for i = L.index - 1, 1, -1 do
      if st.layers[i].input_val == skip then src = st.layers[i]; break end
    end
    if not src then nfail(n, "the residual is not the input of an earlier layer") end
    L.residual = src
  end
  table.insert(L.nodes, n.name ~= "" and n.name or n.op)
  set_out(st, n, cur)
end

local function is_1x1_conv(st, n)
  return n.op == "Conv" and st.inits[n.inputs[2]] and #st.inits[n.inputs[2]].dims == 4 and
      st.inits[n.inputs[2]].dims[3] == 1 and st.inits[n.inputs[2]].dims[4] == 1 and attr(n, "group", 1) == 1
end

local function only_consumer(st, name)
  local c = st.consumers[name]
  if c and #c == 1 then return c[1] end
end

-- GlobalAveragePool -> 1x1 Conv -> act -> 1x1 Conv -> gate -> Mul(x): the
-- nodes of a squeeze-excite block starting at pooling node n, or nil.
local function se_pattern(st, n)
  local x = n.inputs[1]
  local cons = st.consumers[x]
  if not cons or #cons ~= 2 then return nil end
  local c1 = only_consumer(st, n.outputs[1])
  if not c1 or not is_1x1_conv(st, c1) then return nil end
  local a1 = only_consumer(st, c1.outputs[1])
  local c2 = a1
  local act1 = nil
  if a1 and a1.op ~= "Conv" then
    act1 = a1
    c2 = only_consumer(st, a1.outputs[1])
  end
  if not c2 or not is_1x1_conv(st, c2) then return nil end
  local gate = only_consumer(st, c2.outputs[1])
  if not gate or (gate.op ~= "HardSigmoid" and gate.op ~= "Sigmoid") then return nil end
  local mul = only_consumer(st, gate.outputs[1])
  if not mul or mul.op ~= "Mul" then return nil end
  if not ((mul.inputs[1] == x and mul.inputs[2] == gate.outputs[1]) or
        (mul.inputs[2] == x and mul.inputs[1] == gate.outputs[1])) then
    return nil
  end
  return { c1 = c1, act1 = act1, c2 = c2, gate = gate, mul = mul }
end

local function squeeze_excite(st, n, p)
  local inp = val(st, n, n.inputs[1])
  local c = inp.shape[3]
  local w1, d1 = init_raw(st, p.c1, p.c1.inputs[2], "weight")
  local w2, d2 = init_raw(st, p.c2, p.c2.inputs[2], "weight")
  local r = d1[1]
  if d1[2] ~= c or d2[1] ~= c or d2[2] ~= r then
    nfail(p.c2, "squeeze-excite weights do not fit " .. c .. " channels")
  end
  local L = { op = "se", reduce = r, se_act = p.act1 and act_of(st, p.act1) or "none", gate = act_of(st, p.gate) }
  L.w = { se_w1 = { raw = w1, shape = { r, c } }, se_b1 = { raw = conv_bias(st, p.c1, r), shape = { r } },
    se_w2 = { raw = w2, shape = { c, r } }, se_b2 = { raw = conv_bias(st, p.c2, c), shape = { c } } }
  L.last = "se"
  new_layer(st, n, inp, L, { inp.shape[1], inp.shape[2], c })
  -- by key: act1 may be nil, and ipairs would stop at it (leaving the second conv unmapped)
  for _, key in ipairs({ "c1", "act1", "c2", "gate", "mul" }) do
    local m = p[key]
    if m then
      st.skip[m] = true
      table.insert(L.nodes, m.name ~= "" and m.name or m.op)
    end
  end
  st.vals[p.mul.outputs[1]] = L.out_val
end

local function global_pool(st, n, typ)
  local inp = val(st, n, n.inputs[1])
  if inp.pad then nfail(n, "a Pad before a global pool cannot be folded") end
  local L = { op = "pool", type = typ, global = true }
  new_layer(st, n, inp, L, { 1, 1, inp.shape[3] })
end

local function reduce_mean(st, n)
  local axes = attr(n, "axes", nil, "ints")
  if not axes and n.inputs[2] and n.inputs[2] ~= "" then axes = const_numbers(st, n, n.inputs[2], "axes") end
  local set = {}
  for _, a in ipairs(axes or {}) do set[a < 0 and a + 4 or a] = true end
  if not (set[2] and set[3] and not set[0] and not set[1]) then
    nfail(n, "ReduceMean over axes other than the image's height and width (2, 3)")
  end
  local p = se_pattern(st, n)
  if p then return squeeze_excite(st, n, p) end
  global_pool(st, n, "avg")
end

local function window_pool(st, n, typ)
  local inp = val(st, n, n.inputs[1])
  if attr(n, "ceil_mode", 0, "int") ~= 0 then nfail(n, "ceil_mode = 1 is not supported (floor only)") end
  if typ == "max" and inp.pad then
    nfail(n, "a zero Pad before MaxPool cannot be folded (sepgen's max pool ignores padding)")
  end
  local pre = inp.pad
  local shadow = { shape = inp.shape }
  local k, s, d, p, oh, ow = geometry(n, shadow, nil)
  if d[1] ~= 1 or d[2] ~= 1 then nfail(n, "dilated pooling is not supported") end
  local count_pad = typ == "avg" and attr(n, "count_include_pad", 0, "int") == 1
  if pre then
    if typ == "avg" and (p[1] + p[2] + p[3] + p[4] == 0 or count_pad) then
      count_pad = true
      p = { p[1] + pre[1], p[2] + pre[2], p[3] + pre[3], p[4] + pre[4] }
      oh = out_size(n, inp.shape[1], k[1], s[1], 1, p[1], p[3])
      ow = out_size(n, inp.shape[2], k[2], s[2], 1, p[2], p[4])
    else
      nfail(n, "a Pad before an AveragePool with its own padding cannot be folded")
    end
  end
  local L = { op = "pool", type = typ, k = one_or_pair(k), stride = one_or_pair(s), pad = pad_text(p),
    count_pad = count_pad and true or nil }
  new_layer(st, n, inp, L, { oh, ow, inp.shape[3] })
end

local function pad_node(st, n)
  local inp = val(st, n, n.inputs[1])
  local mode = attr(n, "mode", "constant", "string")
  if mode ~= "constant" then nfail(n, "Pad mode " .. mode .. " (only constant zero padding maps)") end
  local p
  if n.inputs[2] and n.inputs[2] ~= "" then p = const_numbers(st, n, n.inputs[2], "pads")
  else p = attr(n, "pads", nil, "ints") end
  local value
  if n.inputs[3] and n.inputs[3] ~= "" then value = const_numbers(st, n, n.inputs[3], "constant_value")[1] or 0
  else value = attr(n, "value", 0, "float") end
  if value ~= 0 then nfail(n, "Pad with value " .. value .. " (only zero padding maps)") end
  if not p or #p ~= 8 or p[1] ~= 0 or p[2] ~= 0 or p[5] ~= 0 or p[6] ~= 0 then
    nfail(n, "Pad other than on height and width of an NCHW image")
  end
  for _, x in ipairs(p) do if x < 0 then nfail(n, "negative Pad (cropping) is not supported") end end
  local prev = inp.pad or { 0, 0, 0, 0 }
  -- the padded tensor is never made: the next conv or pool reads `base`
  -- (the unpadded tensor) with these pads added to its own
  local v = { shape = inp.shape, pad = { prev[1] + p[3], prev[2] + p[4], prev[3] + p[7], prev[4] + p[8] },
    base = inp.base or inp, pad_nodes = {} }
  -- the layer that folds the pads names the Pad nodes in its comment
  for _, x in ipairs(inp.pad_nodes or {}) do v.pad_nodes[#v.pad_nodes + 1] = x end
  v.pad_nodes[#v.pad_nodes + 1] = n.name ~= "" and n.name or n.op
  set_out(st, n, v)
end

local function flatten(st, n)
  local inp = val(st, n, n.inputs[1])
  if inp.pad then nfail(n, "a Pad before Flatten") end
  if n.op == "Flatten" then
    local axis = attr(n, "axis", 1, "int")
    if axis ~= 1 then nfail(n, "Flatten with axis " .. axis .. " (1 maps)") end
  else
    local shape = const_numbers(st, n, n.inputs[2], "shape")
    local total = inp.shape[1] * inp.shape[2] * inp.shape[3]
    local ok = #shape == 2 and (shape[1] == 1 or shape[1] == -1 or shape[1] == 0) and
        (shape[2] == -1 or shape[2] == total)
    if not ok then
      local t = {}
      for i, x in ipairs(shape) do t[i] = string.format("%.0f", x) end -- 12, not 12.0 (Lua 5.4)
      nfail(n, "Reshape to [" .. table.concat(t, ", ") .. "]: only [1, -1] (a flatten) maps")
    end
  end
  -- the flattened value is the same memory: a later fc reads `from`, the
  -- layer's output (no layer may change it through this name)
  set_out(st, n, { shape = inp.shape, flat = true, from = inp })
end

local function fc(st, n)
  local v = val(st, n, n.inputs[1])
  local inp = v.from or v
  local h, w, c = inp.shape[1], inp.shape[2], inp.shape[3]
  if not v.flat and h * w > 1 then nfail(n, n.op .. " on a " .. h .. "x" .. w .. " image: Flatten it first") end
  local raw, wd = init_raw(st, n, n.inputs[2], "weight")
  local nin = h * w * c
  local cout
  if n.op == "Gemm" then
    if attr(n, "transA", 0, "int") ~= 0 then nfail(n, "Gemm with transA = 1") end
    if attr(n, "alpha", 1, "float") ~= 1 or attr(n, "beta", 1, "float") ~= 1 then
      nfail(n, "Gemm with alpha or beta other than 1")
    end
    if #wd ~= 2 then nfail(n, "weight of " .. #wd .. " dimensions") end
    if attr(n, "transB", 0, "int") == 1 then cout = wd[1]
      if wd[2] ~= nin then nfail(n, "weight [" .. wd[1] .. ", " .. wd[2] .. "] for " .. nin .. " inputs") end
    else
      cout = wd[2]
      if wd[1] ~= nin then nfail(n, "weight [" .. wd[1] .. ", " .. wd[2] .. "] for " .. nin .. " inputs") end
      raw = permute(raw, { nin, cout }, { 2, 1 })
    end
  else -- MatMul: [1, nin] x [nin, cout]
    if #wd ~= 2 or wd[1] ~= nin then nfail(n, "MatMul weight must be [" .. nin .. ", cout]") end
    cout = wd[2]
    raw = permute(raw, { nin, cout }, { 2, 1 })
  end
  if h * w > 1 then -- ONNX flattens NCHW (c, y, x); sepgen NHWC (y, x, c)
    raw = permute(raw, { cout, c, h * w }, { 1, 3, 2 })
  end
  local L = { op = "fc", cout = cout }
  local bias = zeros(cout)
  if n.op == "Gemm" and n.inputs[3] and n.inputs[3] ~= "" then
    bias = init_raw(st, n, n.inputs[3], "bias")
    if #bias ~= 4 * cout then nfail(n, "bias of " .. (#bias / 4) .. " values for " .. cout .. " outputs") end
    L.has_bias = true
  end
  L.w = { fc_w = { raw = raw, shape = { cout, nin } }, fc_b = { raw = bias, shape = { cout } } }
  L.last = "fc"
  new_layer(st, n, inp, L, { 1, 1, cout })
  st.vals[n.outputs[1]].flat = true
end

local function softmax(st, n)
  local v = val(st, n, n.inputs[1])
  local axis = attr(n, "axis", st.opset >= 13 and -1 or 1, "int")
  local flat = v.flat or (v.shape[1] == 1 and v.shape[2] == 1)
  local ok = (flat and (axis == 1 or axis == -1)) or (not flat and (axis == 1 or axis == -3))
  if not ok then nfail(n, "Softmax over axis " .. axis .. " (sepgen's softmax runs over the channels)") end
  local inp = v.from or v
  new_layer(st, n, inp, { op = "softmax" }, inp.shape)
end

local function alias(st, n)
  if st.inits[n.inputs[1]] then -- a constant under another name
    st.inits[n.outputs[1]] = st.inits[n.inputs[1]]
    return
  end
  local v = val(st, n, n.inputs[1])
  set_out(st, n, v)
  -- an alias is one more reader of the same value
  local cons = st.consumers[n.outputs[1]] or {}
  local list = st.consumers[n.inputs[1]]
  for i = #list, 1, -1 do if list[i] == n then table.remove(list, i) end end
  for _, c in ipairs(cons) do list[#list + 1] = c end
  for _, c in ipairs(cons) do
    for i, x in ipairs(c.inputs) do if x == n.outputs[1] then c.inputs[i] = n.inputs[1] end end
  end
end

-- attr checks each attribute's type: a damaged file may name one and hold another.
local function constant(st, n)
  local t, v
  if n.attrs.value then t = attr(n, "value", nil, "tensor")
  elseif n.attrs.value_float then
    t = { dtype = "float", dims = {}, count = 1, values = { attr(n, "value_float", nil, "float") } }
  elseif n.attrs.value_floats then
    v = attr(n, "value_floats", nil, "floats")
    t = { dtype = "float", dims = { #v }, count = #v, values = v }
  elseif n.attrs.value_int then
    t = { dtype = "int64", dims = {}, count = 1, values = { attr(n, "value_int", nil, "int") } }
  elseif n.attrs.value_ints then
    v = attr(n, "value_ints", nil, "ints")
    t = { dtype = "int64", dims = { #v }, count = #v, values = v }
  else nfail(n, "Constant without a tensor value") end
  t.name = n.outputs[1]
  st.inits[n.outputs[1]] = t
end

local HANDLERS = {
  Conv = conv, ConvTranspose = conv_transpose, BatchNormalization = batchnorm,
  Relu = activation, Clip = activation, HardSigmoid = activation, HardSwish = activation, Sigmoid = activation,
  Add = add, GlobalAveragePool = function(st, n)
    local p = se_pattern(st, n)
    if p then return squeeze_excite(st, n, p) end
    global_pool(st, n, "avg")
  end,
  GlobalMaxPool = function(st, n) global_pool(st, n, "max") end,
  ReduceMean = reduce_mean,
  AveragePool = function(st, n) window_pool(st, n, "avg") end,
  MaxPool = function(st, n) window_pool(st, n, "max") end,
  Pad = pad_node, Flatten = flatten, Reshape = flatten, Gemm = fc, MatMul = fc, Softmax = softmax,
  Identity = alias, Dropout = alias, Constant = constant,
}

-- dwconv -> pwconv pairs become one separable layer.
local function fuse_separable(layers)
  local source = {} -- layers whose input a later residual adds
  for _, L in ipairs(layers) do if type(L.residual) == "table" then source[L.residual] = true end end
  local out = {}
  local i = 1
  while i <= #layers do
    local a, b = layers[i], layers[i + 1]
    if a.op == "dwconv" and b and b.op == "pwconv" and b.input_val == a.out_val and not a.residual and
        not source[b] then
      local L = { op = "separable", k = a.k, stride = a.stride, dilation = a.dilation, pad = a.pad, mult = a.mult,
        cout = b.cout, groups = b.groups, dw_act = a.act, act = b.act, residual = b.residual,
        nodes = {}, input_val = a.input_val, out_val = b.out_val, w = {}, origin = a.origin }
      for _, x in ipairs(a.nodes) do L.nodes[#L.nodes + 1] = x end
      for _, x in ipairs(b.nodes) do L.nodes[#L.nodes + 1] = x end
      L.w.dw_w, L.w.dw_b, L.w.pw_w, L.w.pw_b = a.w.dw_w, a.w.dw_b, b.w.pw_w, b.w.pw_b
      out[#out + 1] = L
      i = i + 2
    else
      out[#out + 1] = a
      i = i + 1
    end
  end
  return out
end

-- The model's one image input: { name, c, h, w }.
local function graph_input(model)
  local g = model.graph
  local ins = {}
  for _, vi in ipairs(g.inputs) do if not g.inits[vi.name] then ins[#ins + 1] = vi end end
  if #ins ~= 1 then fail("the graph has " .. #ins .. " inputs; sepgen maps a model with one image input") end
  local vi = ins[1]
  local d = vi.dims
  if vi.elem and vi.elem ~= "float" then fail("input '" .. vi.name .. "' is " .. vi.elem .. ", not float32") end
  if not d or #d ~= 4 then
    fail("input '" .. vi.name .. "' has " .. (d and #d or 0) .. " dimensions; sepgen maps an NCHW image [1, C, H, W]")
  end
  for i, x in ipairs(d) do
    if type(x) ~= "number" then
      fail(string.format("input '%s' has a dynamic dimension %d ('%s'); export with a fixed shape " ..
        "(torch.onnx.export without dynamic_axes)", vi.name, i, x))
    end
  end
  if d[1] ~= 1 then fail("input '" .. vi.name .. "' has batch " .. d[1] .. "; sepgen runs batch 1") end
  if #g.outputs ~= 1 then fail("the graph has " .. #g.outputs .. " outputs; sepgen maps a model with one output") end
  return { name = vi.name, c = d[2], h = d[3], w = d[4] }
end

-- model -> { name, input = {h, w, c}, layers, tensors, source } or nil, message
function M.convert(model, name)
  local ok, res = pcall(function()
    local version = model.opset[""]
    if not version then fail("the model imports no version of the default ONNX opset") end
    if version < M.OPSET_MIN or version > M.OPSET_MAX then
      fail(string.format("opset %d; sepgen reads opsets %d to %d (torch.onnx.export(..., opset_version=17))",
        version, M.OPSET_MIN, M.OPSET_MAX))
    end
    for domain in pairs(model.opset) do
      if domain ~= "" then
        local used = false
        for _, n in ipairs(model.graph.nodes) do if n.domain == domain then used = true end end
        if used then fail("nodes of the operator domain '" .. domain .. "' are not supported") end
      end
    end
    if model.graph.sparse then fail("sparse initializers are not supported") end
    local inp = graph_input(model)
    -- every node first: the pattern matchers (hswish, squeeze-excite) follow outputs ahead
    for _, n in ipairs(model.graph.nodes) do
      if not n.outputs[1] or n.outputs[1] == "" then nfail(n, "the node has no output") end
    end
    local st = new_state(model, name)
    st.vals[inp.name] = { shape = { inp.h, inp.w, inp.c } }
    for _, n in ipairs(model.graph.nodes) do
      if not st.skip[n] then
        if n.domain ~= "" and n.domain ~= "ai.onnx" then nfail(n, "operator domain '" .. n.domain .. "'") end
        local h = HANDLERS[n.op]
        if not h then
          nfail(n, "op " .. n.op .. " is not supported; sepgen maps " .. table.concat(M.SUPPORTED, ", "))
        end
        local padded = st.vals[n.inputs[1]]
        padded = padded and padded.pad and padded
        h(st, n)
        if padded then
          -- a conv or pool read through a Pad (the others refuse one): its
          -- layer reads the unpadded tensor and names the Pad nodes
          local L = st.layers[#st.layers]
          L.input_val = padded.base
          for i, x in ipairs(padded.pad_nodes) do table.insert(L.nodes, i, x) end
        end
      end
    end
    local out = st.vals[model.graph.outputs[1].name]
    if not out then
      fail("the graph's output '" .. model.graph.outputs[1].name .. "' is not produced by a mapped node")
    end
    local last = st.layers[#st.layers]
    if not last or (out ~= last.out_val and out.from ~= last.out_val) then
      fail("the graph's output is not the output of its last layer")
    end
    local layers = fuse_separable(st.layers)
    -- names and residual references after fusion
    for i, L in ipairs(layers) do
      L.name = "l" .. i
    end
    for _, L in ipairs(layers) do
      if type(L.residual) == "table" then
        local target
        for _, M2 in ipairs(layers) do if M2.input_val == L.residual.input_val then target = M2; break end end
        -- a dw -> pw pair whose Add reads the dw's input: after fusion that
        -- is the separable's own input (a name would point at itself)
        if target == L then L.residual = true else L.residual = target.name end
      end
    end
    local tensors = {}
    local ORDER = { "conv_w", "conv_b", "dw_w", "dw_b", "pw_w", "pw_b", "fc_w", "fc_b",
      "se_w1", "se_b1", "se_w2", "se_b2" }
    for _, L in ipairs(layers) do
      for _, f in ipairs(ORDER) do
        local t = L.w and L.w[f]
        if t then tensors[#tensors + 1] = { name = L.name .. "." .. f, shape = t.shape, raw = t.raw } end
      end
    end
    return { input = { h = inp.h, w = inp.w, c = inp.c }, input_name = inp.name, layers = layers, tensors = tensors }
  end)
  if not ok then
    if type(res) == "table" and res.msg then return nil, res.msg end
    error(res, 0)
  end
  return res
end

-- shapes file text -------------------------------------------------------

local function num(v)
  if v == floor(v) and math.abs(v) < 2 ^ 31 then return util.int(v) end
  return string.format("%.9g", v)
end

local function value_text(v)
  if type(v) == "number" then return num(v) end
  if type(v) == "string" then return string.format("%q", v) end
  if type(v) == "boolean" then return tostring(v) end
  if v.h then return "{ h = " .. num(v.h) .. ", w = " .. num(v.w) .. " }" end
  if v.min or v.max then
    local parts = {}
    if v.min then parts[#parts + 1] = "min = " .. num(v.min) end
    if v.max then parts[#parts + 1] = "max = " .. num(v.max) end
    return "{ " .. table.concat(parts, ", ") .. " }"
  end
  return "{ " .. table.concat(util.map(v, num), ", ") .. " }"
end

local FIELDS = { "name", "op", "type", "global", "k", "stride", "dilation", "pad", "count_pad", "mult", "cout",
  "groups", "reduce", "out", "dw_act", "se_act", "gate", "act", "residual" }

local function clean_comment(s)
  return (s:gsub("[%c\128-\255]", "?"))
end

-- The shapes file for result r of M.convert.
function M.shapes_text(r, name, source, weights_file, model)
  local lines = {}
  lines[#lines + 1] = "-- " .. name .. ": imported from " .. clean_comment(source) .. " by `make import` (sepgen);"
  lines[#lines + 1] = "-- weights: " .. clean_comment(weights_file) ..
      string.format(" (make gen SHAPES=%s.lua WEIGHTS=%s).", name, clean_comment(weights_file))
  lines[#lines + 1] = string.format("-- ONNX: opset %s, producer %s %s.", num(model.opset[""]),
    clean_comment(model.producer ~= "" and model.producer or "unknown"), clean_comment(model.producer_version or ""))
  lines[#lines + 1] = string.format("-- The input '%s' is NCHW [1, %d, %d, %d]; the generated net takes " ..
    "the same image as NHWC [%d][%d][%d].", clean_comment(r.input_name), r.input.c, r.input.h, r.input.w,
    r.input.h, r.input.w, r.input.c)
  lines[#lines + 1] = "-- Each layer's comment names the ONNX nodes folded into it."
  lines[#lines + 1] = "return {"
  lines[#lines + 1] = "  name = " .. string.format("%q", name) .. ","
  lines[#lines + 1] = string.format("  input = { h = %d, w = %d, c = %d },", r.input.h, r.input.w, r.input.c)
  lines[#lines + 1] = "  layers = {"
  for _, L in ipairs(r.layers) do
    local parts = {}
    for _, f in ipairs(FIELDS) do
      local v = L[f]
      if (f == "act" or f == "dw_act") and v == "none" then v = nil end
      if v ~= nil and v ~= false then parts[#parts + 1] = f .. " = " .. value_text(v) end
    end
    lines[#lines + 1] = "    { " .. table.concat(parts, ", ") .. " }, -- " ..
        clean_comment(table.concat(L.nodes, ", "))
  end
  lines[#lines + 1] = "  },"
  lines[#lines + 1] = "}"
  return table.concat(lines, "\n") .. "\n"
end

return M
