-- protobuf.lua - reads the protocol-buffer wire format (the part ONNX
-- files use): varints, 64- and 32-bit fixed fields, length-delimited
-- fields.  Numbers stay exact on every Lua: varints are summed in doubles
-- (exact below 2^53, which every ONNX size and index is), and a negative
-- int64 (ten bytes, two's complement) is rebuilt from its complement.
-- Errors are raised as { msg = "..." } tables with the byte offset.
local M = {}

local floor = math.floor
local byte = string.byte

local function fail(at, what) error({ msg = string.format("byte %d: %s", at - 1, what) }, 0) end
M.fail = fail

-- The varint at s[i]; returns value, next position.  last: the end of the
-- enclosing message (a varint must not run past it).
function M.varint(s, i, last)
  local v, scale, start = 0, 1, i
  local bytes = {}
  while true do
    if i > last then fail(start, "truncated varint") end
    local b = byte(s, i)
    bytes[#bytes + 1] = b
    i = i + 1
    if b < 128 then break end
    if #bytes == 10 then fail(start, "varint longer than 10 bytes") end
  end
  if #bytes == 10 and bytes[10] == 1 then
    -- bit 63 set: a negative int64; -(~x + 1) from the complemented groups
    local c = 0
    for k = 9, 1, -1 do c = c * 128 + (127 - bytes[k] % 128) end
    return -(c + 1), i
  end
  for k = 1, #bytes do
    v = v + (bytes[k] % 128) * scale
    scale = scale * 128
  end
  return v, i
end

-- The little-endian unsigned 32-bit integer at s[i].
function M.u32(s, i)
  local b1, b2, b3, b4 = byte(s, i, i + 3)
  return ((b4 * 256 + b3) * 256 + b2) * 256 + b1
end

-- Calls f(field, wire, a, b) for each field of the message s[first..last]:
--   wire 0 (varint):            a = value
--   wire 1 (64-bit):            a = position of its 8 bytes
--   wire 2 (length-delimited):  a, b = first and last position of its bytes
--   wire 5 (32-bit):            a = the unsigned 32-bit value (a float's bits)
-- Groups (wire 3, 4) and unknown wire types are errors.
function M.each(s, first, last, f)
  local i = first
  while i <= last do
    local at = i
    local key
    key, i = M.varint(s, i, last)
    local field, wire = floor(key / 8), key % 8
    if field == 0 then fail(at, "field number 0") end
    if wire == 0 then
      local v
      v, i = M.varint(s, i, last)
      f(field, 0, v)
    elseif wire == 1 then
      if i + 7 > last then fail(at, "truncated 64-bit field " .. field) end
      f(field, 1, i)
      i = i + 8
    elseif wire == 2 then
      local n
      n, i = M.varint(s, i, last)
      if n < 0 or i + n - 1 > last then fail(at, "field " .. field .. " runs past the end of its message") end
      f(field, 2, i, i + n - 1)
      i = i + n
    elseif wire == 5 then
      if i + 3 > last then fail(at, "truncated 32-bit field " .. field) end
      f(field, 5, M.u32(s, i))
      i = i + 4
    else
      fail(at, "wire type " .. wire .. " (field " .. field .. ") is not used by ONNX")
    end
  end
end

-- The varints packed in s[first..last] (a packed repeated field).
function M.packed_varints(s, first, last, out)
  local i = first
  while i <= last do
    local v
    v, i = M.varint(s, i, last)
    out[#out + 1] = v
  end
  return out
end

-- The 32-bit values packed in s[first..last].
function M.packed_u32(s, first, last, out)
  if (last - first + 1) % 4 ~= 0 then fail(first, "packed 32-bit field of " .. (last - first + 1) .. " bytes") end
  for i = first, last, 4 do out[#out + 1] = M.u32(s, i) end
  return out
end

-- The number a single-precision bit pattern stands for.  Infinities and
-- NaN come out as such (not as huge finite numbers), so that a Clip bound
-- of -inf reads as an open side and a NaN anywhere is caught.
function M.f32(b)
  local sign = b >= 2 ^ 31 and -1 or 1
  local e = floor(b / 2 ^ 23) % 256
  local m = b % 2 ^ 23
  if e == 255 then
    if m == 0 then return sign * math.huge end
    return 0 / 0
  end
  if e == 0 then return sign * m * 2 ^ -149 end
  return sign * (1 + m / 2 ^ 23) * 2 ^ (e - 127)
end

-- Lua 5.3+ decodes blocks of floats in C (string.unpack): the same numbers
-- as M.f32, infinities and NaN included.  Folding MobileNet v2's 52
-- BatchNormalization nodes decodes and re-encodes 2.2M weights: the import
-- took 2.87 s on lua5.4 one value at a time, 0.70 s this way.
local str_unpack = string.unpack
local BLOCK = 128
local BLOCK_FMT = "<" .. string.rep("f", BLOCK)

-- The numbers of the little-endian float32 values in s (#s a multiple of 4).
function M.f32_list(s)
  local v, n = {}, #s / 4
  local i = 0
  if str_unpack then
    while n - i >= BLOCK do
      local t = { str_unpack(BLOCK_FMT, s, 4 * i + 1) }
      for k = 1, BLOCK do v[i + k] = t[k] end
      i = i + BLOCK
    end
  end
  for k = i + 1, n do v[k] = M.f32(M.u32(s, 4 * k - 3)) end
  return v
end

-- The number an IEEE double at s[i..i+7] stands for (infinities and NaN too).
function M.f64(s, i)
  local lo, hi = M.u32(s, i), M.u32(s, i + 4)
  local sign = hi >= 2 ^ 31 and -1 or 1
  local e = floor(hi / 2 ^ 20) % 2048
  local m = (hi % 2 ^ 20) * 2 ^ 32 + lo
  if e == 2047 then
    if m == 0 then return sign * math.huge end
    return 0 / 0
  end
  if e == 0 then return sign * m * 2 ^ -1074 end
  return sign * (1 + m / 2 ^ 52) * 2 ^ (e - 1023)
end

return M
