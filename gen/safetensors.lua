-- safetensors.lua - reads and writes safetensors files (README "Baked
-- weights"): an 8-byte little-endian header length n, n bytes of JSON
-- {"<tensor>": {"dtype": "F32", "shape": [...], "data_offsets": [a, b]},
-- "__metadata__": {...}}, then the data; tensor t's bytes are data[a, b).
-- Values stay IEEE-754 single-precision bit patterns (integers below 2^32)
-- from file to generated C: no rounding, the same on every Lua.
local util = require("util")

local M = {}

local floor = math.floor

-- A minimal JSON reader for the header: objects, arrays, strings, integers,
-- true, false, null.  Returns value or nil, message.  Objects keep their
-- key order in `keys` (duplicates are errors).  One closure over the read
-- position, so about 90 lines.
local function json(s)
  local pos = 1
  local function fail(what) error({ msg = string.format("header byte %d: %s", pos - 1, what) }, 0) end
  local function ws() pos = s:find("[^ \t\r\n]", pos) or #s + 1 end
  local value
  local function str()
    pos = pos + 1
    local parts = {}
    while true do
      local c = s:sub(pos, pos)
      if c == "" then fail("unterminated string") end
      if c == '"' then pos = pos + 1; return table.concat(parts) end
      if c == "\\" then
        local e = s:sub(pos + 1, pos + 1)
        local simple = { ['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b", f = "\f", n = "\n", r = "\r", t = "\t" }
        if simple[e] then parts[#parts + 1] = simple[e]; pos = pos + 2
        elseif e == "u" and s:sub(pos + 2, pos + 5):match("^%x%x%x%x$") then
          local code = tonumber(s:sub(pos + 2, pos + 5), 16)
          parts[#parts + 1] = code < 128 and string.char(code) or "?"
          pos = pos + 6
        else fail("bad escape in a string") end
      elseif c:byte() < 32 then fail("control character in a string")
      else
        local j = s:find('["\\%c]', pos) or #s + 1
        parts[#parts + 1] = s:sub(pos, j - 1)
        pos = j
      end
    end
  end
  function value()
    ws()
    local c = s:sub(pos, pos)
    if c == "{" then
      pos = pos + 1
      local obj, keys = {}, {}
      ws()
      if s:sub(pos, pos) == "}" then pos = pos + 1; return { obj = obj, keys = keys } end
      while true do
        ws()
        if s:sub(pos, pos) ~= '"' then fail("expected a string key") end
        local k = str()
        if obj[k] ~= nil then fail("key \"" .. k .. "\" appears twice") end
        ws()
        if s:sub(pos, pos) ~= ":" then fail("expected ':' after a key") end
        pos = pos + 1
        obj[k] = value()
        keys[#keys + 1] = k
        ws()
        c = s:sub(pos, pos)
        pos = pos + 1
        if c == "}" then return { obj = obj, keys = keys } end
        if c ~= "," then fail("expected ',' or '}' in an object") end
      end
    elseif c == "[" then
      pos = pos + 1
      local arr = {}
      ws()
      if s:sub(pos, pos) == "]" then pos = pos + 1; return { arr = arr } end
      while true do
        arr[#arr + 1] = value()
        ws()
        c = s:sub(pos, pos)
        pos = pos + 1
        if c == "]" then return { arr = arr } end
        if c ~= "," then fail("expected ',' or ']' in an array") end
      end
    elseif c == '"' then return str()
    elseif s:sub(pos, pos + 3) == "true" then pos = pos + 4; return true
    elseif s:sub(pos, pos + 4) == "false" then pos = pos + 5; return false
    elseif s:sub(pos, pos + 3) == "null" then pos = pos + 4; return { null = true }
    else
      local num = s:match("^-?%d+%.?%d*[eE]?[-+]?%d*", pos)
      if not num or num == "" then fail("unexpected " .. (c == "" and "end of header" or ("'" .. c .. "'"))) end
      pos = pos + #num
      return tonumber(num) or fail("bad number " .. num)
    end
  end
  local ok, v = pcall(function()
    local r = value()
    ws()
    if pos <= #s then fail("text after the header object") end
    return r
  end)
  if not ok then
    if type(v) == "table" then return nil, v.msg end
    error(v, 0)
  end
  return v
end

local function is_int(v) return type(v) == "number" and v == floor(v) and v >= 0 and v < 2 ^ 53 end

local function dims_text(d)
  local t = {}
  for i, v in ipairs(d) do t[i] = util.int(v) end
  return "[" .. table.concat(t, ", ") .. "]"
end
M.dims_text = dims_text

-- Parses the bytes of a safetensors file.  Returns { tensors = { name ->
-- { name, dtype, shape, first, count } }, names (header order), data }
-- where element i (0-based) of a tensor is M.bits(file, t, i); or nil and a
-- list of messages (the caller prefixes the file name).
function M.parse(bytes)
  local errs = {}
  if #bytes < 8 then return nil, { string.format("%d bytes: too short for the 8-byte header length", #bytes) } end
  local n = 0
  for i = 8, 1, -1 do n = n * 256 + bytes:byte(i) end
  if n > #bytes - 8 then
    return nil, { string.format("header length %s exceeds the %d bytes after it", util.int(n), #bytes - 8) }
  end
  local head = bytes:sub(9, 8 + n)
  local root, msg = json(head)
  if not root then return nil, { "the header is not JSON: " .. msg } end
  if type(root) ~= "table" or not root.obj then return nil, { "the header is not a JSON object" } end
  local data_len = #bytes - 8 - n
  local r = { tensors = {}, names = {}, base = 8 + n, bytes = bytes }
  local ranges = {}
  for _, name in ipairs(root.keys) do
    local v = root.obj[name]
    if name ~= "__metadata__" then
      local function bad(what) errs[#errs + 1] = "tensor " .. name .. ": " .. what end
      if type(v) ~= "table" or not v.obj then bad("expected an object {dtype, shape, data_offsets}")
      else
        local o = v.obj
        local shape, offs = o.shape, o.data_offsets
        local okshape = type(shape) == "table" and shape.arr
        if okshape then for _, d in ipairs(shape.arr) do if not is_int(d) then okshape = false end end end
        local okoffs = type(offs) == "table" and offs.arr and #offs.arr == 2 and is_int(offs.arr[1]) and
          is_int(offs.arr[2]) and offs.arr[1] <= offs.arr[2]
        if type(o.dtype) ~= "string" then bad("dtype: expected a string such as \"F32\"")
        elseif not okshape then bad("shape: expected an array of non-negative integers")
        elseif not okoffs then bad("data_offsets: expected [begin, end] with begin <= end")
        else
          local count = 1
          for _, d in ipairs(shape.arr) do count = count * d end
          local a, b = offs.arr[1], offs.arr[2]
          local size = o.dtype == "F32" and 4 or nil
          if o.dtype ~= "F32" then
            bad("dtype: expected F32, found " .. o.dtype)
          elseif b - a ~= count * size then
            bad(string.format("data_offsets [%s, %s]: %s bytes, but shape %s of F32 needs %s", util.int(a),
              util.int(b), util.int(b - a), dims_text(shape.arr), util.int(count * size)))
          elseif b > data_len then
            bad(string.format("truncated: data_offsets end at byte %s, the data has %d", util.int(b), data_len))
          else
            local t = { name = name, dtype = o.dtype, shape = shape.arr, first = a, count = count }
            r.tensors[name] = t
            r.names[#r.names + 1] = name
            ranges[#ranges + 1] = t
          end
        end
      end
    end
  end
  table.sort(ranges, function(x, y)
    if x.first ~= y.first then return x.first < y.first end
    return x.name < y.name
  end)
  for i = 2, #ranges do
    local p, q = ranges[i - 1], ranges[i]
    if q.count > 0 and p.first + 4 * p.count > q.first then
      errs[#errs + 1] = string.format("tensor %s: data_offsets [%s, %s] overlap those of %s [%s, %s]", q.name,
        util.int(q.first), util.int(q.first + 4 * q.count), p.name, util.int(p.first),
        util.int(p.first + 4 * p.count))
    end
  end
  if #errs > 0 then return nil, errs end
  return r
end

-- The bit pattern of element i (0-based) of tensor t of parsed file f.
function M.bits(f, t, i)
  local at = f.base + t.first + 4 * i
  local b1, b2, b3, b4 = f.bytes:byte(at + 1, at + 4)
  return ((b4 * 256 + b3) * 256 + b2) * 256 + b1
end

-- Whether bit pattern b is infinite or NaN.
function M.nonfinite(b) return floor(b / 2 ^ 23) % 256 == 255 end

-- The C99 hexadecimal literal of bit pattern b: exact, the same text on
-- every Lua (six fraction digits always; from tables, no format per value).
local HEX3, EXP = {}, {}
for v = 0, 4095 do HEX3[v] = string.format("%03x", v) end
for e = 1, 254 do EXP[e] = string.format("p%+df", e - 127) end
function M.hexf(b)
  local sign = b >= 2 ^ 31 and "-0x" or "0x"
  local e = floor(b / 2 ^ 23) % 256
  local m = (b % 2 ^ 23) * 2
  local hi = floor(m / 4096)
  if e == 0 then
    if m == 0 then return (b >= 2 ^ 31 and "-" or "") .. "0.0f" end
    return sign .. "0." .. HEX3[hi] .. HEX3[m - hi * 4096] .. "p-126f"
  end
  return sign .. "1." .. HEX3[hi] .. HEX3[m - hi * 4096] .. EXP[e]
end

-- The bit pattern of number x rounded to single precision (to nearest,
-- ties to even; zero below the smallest normal; x finite and below 2^128).
function M.f32bits(x)
  local sign = 0
  if x < 0 or (x == 0 and 1 / x < 0) then sign, x = 2 ^ 31, -x end
  if x < 2 ^ -126 then return sign end
  local e = 0
  while x >= 2 do x = x / 2; e = e + 1 end
  while x < 1 do x = x * 2; e = e - 1 end
  local m = (x - 1) * 2 ^ 23
  local mi = floor(m)
  local rest = m - mi
  if rest > 0.5 or (rest == 0.5 and mi % 2 == 1) then mi = mi + 1 end
  if mi == 2 ^ 23 then mi = 0; e = e + 1 end
  return sign + (e + 127) * 2 ^ 23 + mi
end

local function le(n, bytes)
  local t = {}
  for i = 1, bytes do
    t[i] = string.char(n % 256)
    n = floor(n / 256)
  end
  return table.concat(t)
end

-- The 4 little-endian bytes of unsigned 32-bit n (one call: it runs for
-- every weight).
local function le32(n)
  return string.char(n % 256, floor(n / 256) % 256, floor(n / 65536) % 256, floor(n / 16777216))
end

-- The little-endian bytes of bit patterns `bits` (a list).
function M.bytes(bits)
  local t = {}
  for i = 1, #bits do t[i] = le32(bits[i]) end
  return table.concat(t)
end

-- Lua 5.3+ encodes blocks of floats in C (string.pack): C's conversion
-- rounds to nearest, ties to even, as f32bits does; values below the
-- smallest normal are made a signed zero first, as f32bits makes them.
local str_pack = string.pack
local unpack_list = table.unpack or unpack
local BLOCK = 128
local BLOCK_FMT = "<" .. string.rep("f", BLOCK)

-- The float32 bytes of numbers v, each rounded as f32bits rounds it (v
-- finite and rounding below float32's infinity).
function M.f32bytes(v)
  if not str_pack then
    local t = {}
    for i = 1, #v do t[i] = le32(M.f32bits(v[i])) end
    return table.concat(t)
  end
  local w = {}
  for i = 1, #v do
    local x = v[i]
    if x < 2 ^ -126 and x > -2 ^ -126 then x = (x < 0 or 1 / x < 0) and -0.0 or 0.0 end
    w[i] = x
  end
  local t, i = {}, 0
  while #w - i >= BLOCK do
    t[#t + 1] = str_pack(BLOCK_FMT, unpack_list(w, i + 1, i + BLOCK))
    i = i + BLOCK
  end
  for k = i + 1, #w do t[#t + 1] = str_pack("<f", w[k]) end
  return table.concat(t)
end

-- The bytes of a safetensors file holding `tensors`, a list of { name,
-- shape, bits (list of bit patterns) or raw (their little-endian bytes) },
-- in that order.
function M.write(tensors)
  local head, data, at = {}, {}, 0
  for _, t in ipairs(tensors) do
    local n = t.raw and #t.raw / 4 or #t.bits
    head[#head + 1] = string.format('"%s":{"dtype":"F32","shape":%s,"data_offsets":[%s,%s]}', t.name,
      dims_text(t.shape):gsub(" ", ""), util.int(at), util.int(at + 4 * n))
    data[#data + 1] = t.raw or M.bytes(t.bits)
    at = at + 4 * n
  end
  local h = "{" .. table.concat(head, ",") .. "}"
  h = h .. string.rep(" ", (8 - #h % 8) % 8)   -- the data starts 8-byte aligned
  return le(#h, 8) .. h .. table.concat(data)
end

return M
