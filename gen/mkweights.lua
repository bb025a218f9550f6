-- mkweights.lua - writes a safetensors file of random weights for a shapes
-- file: every tensor the net reads (README "Baked weights"), uniform in
-- [-a, a] with a = sqrt(3 / fan-in) (unit variance through a linear layer;
-- biases in [-0.1, 0.1]), from a fixed generator and seed, so the same
-- bytes come out on every Lua.  For tests and the demo: no trained weights
-- can be downloaded here.
--
--   lua gen/mkweights.lua [--seed N] SHAPES.lua OUT.safetensors
--
-- Exit status: 0 success, 2 bad shapes file or usage.
local script = arg and arg[0] or "gen/mkweights.lua"
local gendir = script:match("^(.*)[/\\][^/\\]*$") or "."
package.path = gendir .. "/?.lua;" .. package.path

local shapes = require("shapes")
local weights = require("weights")
local safetensors = require("safetensors")
local util = require("util")

local function usage(msg)
  io.stderr:write("mkweights: " .. msg .. "\nusage: lua gen/mkweights.lua [--seed N] SHAPES.lua OUT.safetensors\n")
  os.exit(2)
end

local seed, files = 1, {}
local i = 1
while i <= #arg do
  if arg[i] == "--seed" then
    seed = tonumber(arg[i + 1] or "")
    if not seed or seed ~= math.floor(seed) or seed < 0 or seed >= 2 ^ 31 then usage("--seed needs an integer") end
    i = i + 1
  elseif arg[i]:sub(1, 1) == "-" then usage("unknown option " .. arg[i])
  else files[#files + 1] = arg[i] end
  i = i + 1
end
if #files ~= 2 then usage("expected a shapes file and an output file") end

local fh = io.open(files[1], "rb")
if not fh then io.stderr:write(files[1] .. ": cannot read the shapes file\n"); os.exit(2) end
local text = fh:read("*a")
fh:close()
local net, errors = shapes.load(text, files[1])
if not net then
  for _, e in ipairs(errors) do io.stderr:write(e .. "\n") end
  os.exit(2)
end

-- A linear congruential generator on integers below 2^31 (exact in a
-- double on every Lua): x' = (1103515245 x + 12345) mod 2^31, the product
-- split so no intermediate reaches 2^53.
local state = (seed * 2654435761 + 1) % 2 ^ 31
local function next_u()
  local hi, lo = math.floor(state / 65536), state % 65536
  state = ((1103515245 * hi % 32768) * 65536 + 1103515245 * lo + 12345) % 2 ^ 31
  return state / 2 ^ 31
end

local tensors = {}
for _, L in ipairs(net.layers) do
  for _, e in ipairs(weights.expected(L)) do
    local n = util.product(e.shape)
    local fan = #e.shape > 1 and n / e.shape[1] or 1
    if e.field == "dw_w" or e.field == "up_w" then fan = e.shape[1] * e.shape[2] end
    local a = e.bias and 0.1 or math.sqrt(3 / fan)
    local bits = {}
    for k = 1, n do bits[k] = safetensors.f32bits((2 * next_u() - 1) * a) end
    tensors[#tensors + 1] = { name = L.name .. "." .. e.field, shape = e.shape, bits = bits }
  end
end

local out = io.open(files[2], "wb")
if not out then io.stderr:write("mkweights: cannot write " .. files[2] .. "\n"); os.exit(2) end
out:write(safetensors.write(tensors))
out:close()
