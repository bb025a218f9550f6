-- MobileNet v1's 13 separable blocks (examples/mobilenet_v1.lua) as separate
-- layers: each block's 3x3 depthwise conv (d1..d13) and its 1x1 projection
-- (p1..p13).  `make bench SHAPES=bench/nets/mbv1_split.lua` times the
-- two stages apart, next to the libraries' depthwise and 1x1 convolutions;
-- bench/ab.sh on it isolates depthwise changes.
local spec = { { 64, 1 }, { 128, 2 }, { 128, 1 }, { 256, 2 }, { 256, 1 }, { 512, 2 }, { 512, 1 },
               { 512, 1 }, { 512, 1 }, { 512, 1 }, { 512, 1 }, { 1024, 2 }, { 1024, 1 } }
local layers = {}
for i, s in ipairs(spec) do
  layers[#layers + 1] = { name = "d" .. i, op = "dwconv", k = 3, stride = s[2], pad = "same", act = "relu6" }
  layers[#layers + 1] = { name = "p" .. i, op = "pwconv", cout = s[1], act = "relu6" }
end
return { name = "mbv1s", input = { h = 112, w = 112, c = 32 }, layers = layers }
