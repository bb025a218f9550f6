-- make.lua - writes the bad weights files of tests/bad/weights for tests/nets/wnet.lua
-- (run from the repository root: lua5.4 tests/bad/weights/make.lua), and
-- cases.txt: per line, a weights file, then the substring the generator's
-- message must hold.  tests/scripts/bad.sh runs the generator on each with
-- --weights: exit status 2, the message, OUT untouched.
package.path = "gen/?.lua;" .. package.path
local st = require("safetensors")

local dir = "tests/bad/weights/"
-- The tensors wnet.lua reads, values 1/8 .. (from 1/8 in steps of 1/8).
local good = {
  { "c1.conv_w", { 8, 3, 3, 3 } }, { "c1.conv_b", { 8 } },
  { "s2.dw_w", { 3, 3, 8 } }, { "s2.dw_b", { 8 } }, { "s2.pw_w", { 4, 8 } }, { "s2.pw_b", { 4 } },
  { "f3.fc_w", { 2, 36 } },
}

local function tensors(edit)
  local list = {}
  for i, g in ipairs(good) do
    local n = 1
    for _, d in ipairs(g[2]) do n = n * d end
    local bits = {}
    for k = 1, n do bits[k] = st.f32bits(((k + i) % 17 - 8) / 8) end
    list[#list + 1] = { name = g[1], shape = g[2], bits = bits }
  end
  if edit then edit(list) end
  return list
end

local function find(list, name)
  for i, t in ipairs(list) do if t.name == name then return i, t end end
end

local cases = {}
local function case(file, expect, bytes)
  local f = assert(io.open(dir .. file, "wb"))
  f:write(bytes)
  f:close()
  cases[#cases + 1] = file .. " " .. expect
end

local function le8(n)
  local t = {}
  for i = 1, 8 do t[i] = string.char(n % 256); n = math.floor(n / 256) end
  return table.concat(t)
end
-- a file from a header text and data bytes
local function raw(header, data) return le8(#header) .. header .. data end

case("good.safetensors", "-", st.write(tensors()))
case("missing.safetensors", 'tensor c1.conv_b (layer 1 "c1"): missing: expected F32 of shape [8]',
  st.write(tensors(function(l) table.remove(l, (find(l, "c1.conv_b"))) end)))
case("unexpected_field.safetensors", "tensor s2.up_w: unexpected: the layer reads no such field",
  st.write(tensors(function(l) l[#l + 1] = { name = "s2.up_w", shape = { 1 }, bits = { 0 } } end)))
case("unexpected_layer.safetensors", "tensor zz.pw_w: unexpected: no layer of that name",
  st.write(tensors(function(l) l[#l + 1] = { name = "zz.pw_w", shape = { 1 }, bits = { 0 } } end)))
case("bias_false.safetensors", "tensor f3.fc_b (layer 3 \"f3\"): unexpected: the layer has bias = false",
  st.write(tensors(function(l) l[#l + 1] = { name = "f3.fc_b", shape = { 2 }, bits = { 0, 0 } } end)))
case("misshaped.safetensors", 'tensor s2.dw_w (layer 2 "s2"): expected shape [3, 3, 8], found [3, 8, 3]',
  st.write(tensors(function(l) local _, t = find(l, "s2.dw_w"); t.shape = { 3, 8, 3 } end)))
case("nan.safetensors", 'tensor s2.pw_w (layer 2 "s2"): element 5 is not finite',
  st.write(tensors(function(l) local _, t = find(l, "s2.pw_w"); t.bits[6] = 0x7fc00000 end)))
case("inf.safetensors", 'tensor c1.conv_w (layer 1 "c1"): element 0 is not finite',
  st.write(tensors(function(l) local _, t = find(l, "c1.conv_w"); t.bits[1] = 0xff800000 end)))
local good_bytes = st.write(tensors())
case("truncated.safetensors", "tensor f3.fc_w: truncated: data_offsets end at byte",
  good_bytes:sub(1, #good_bytes - 4))
case("short.safetensors", "3 bytes: too short for the 8-byte header length", "\1\0\0")
case("header_length.safetensors", "header length 4096 exceeds the", le8(4096) .. "{}")
case("not_json.safetensors", "the header is not JSON", raw('{"c1.conv_w": {"dtype": "F32",', ""))
case("f16.safetensors", "tensor c1.conv_b: dtype: expected F32, found F16",
  raw('{"c1.conv_b":{"dtype":"F16","shape":[8],"data_offsets":[0,16]}}', string.rep("\0", 16)))
case("size_mismatch.safetensors", "tensor c1.conv_b: data_offsets [0, 28]: 28 bytes, but shape [8] of F32 needs 32",
  raw('{"c1.conv_b":{"dtype":"F32","shape":[8],"data_offsets":[0,28]}}', string.rep("\0", 32)))
case("overlap.safetensors", "tensor s2.dw_b: data_offsets [16, 48] overlap those of c1.conv_b [0, 32]",
  raw('{"c1.conv_b":{"dtype":"F32","shape":[8],"data_offsets":[0,32]},' ..
      '"s2.dw_b":{"dtype":"F32","shape":[8],"data_offsets":[16,48]}}', string.rep("\0", 48)))

local f = assert(io.open(dir .. "cases.txt", "wb"))
f:write(table.concat(cases, "\n") .. "\n")
f:close()
