-- import.lua - the command line of `make import` (README "From PyTorch to
-- C"): reads an ONNX model and writes a shapes file and a safetensors
-- weights file for it, in Lua only.
--
--   lua gen/import.lua [--out DIR] [--name NAME] MODEL.onnx
--
-- writes DIR/NAME.lua and DIR/NAME.safetensors (DIR default "imported":
-- sources the user keeps, apart from the generated code in out/ that `make
-- clean` empties; NAME default: the model file's name, made a C prefix).  Exit status: 0
-- success, 2 bad model or usage (nothing written), 1 internal error.
local script = arg and arg[0] or "gen/import.lua"
local gendir = script:match("^(.*)[/\\][^/\\]*$") or "."
package.path = gendir .. "/?.lua;" .. package.path

local onnx = require("onnx")
local map = require("onnx_map")
local shapes = require("shapes")
local weights = require("weights")
local safetensors = require("safetensors")
local files = require("files")

local USAGE = "usage: lua gen/import.lua [--out DIR] [--name NAME] MODEL.onnx"

local function die(msg, status)
  io.stderr:write(msg .. "\n")
  os.exit(status or 2)
end

local function parse_args(argv)
  local o = { out = "imported" }
  local i = 1
  while i <= #argv do
    local a = argv[i]
    if a == "--out" or a == "--name" then
      local v = argv[i + 1]
      if not v or v == "" then die("import: " .. a .. " needs a value\n" .. USAGE) end
      o[a:sub(3)] = v
      i = i + 2
    elseif a:sub(1, 1) == "-" and a ~= "-" then die("import: unknown option " .. a .. "\n" .. USAGE)
    else
      if o.model then die("import: more than one model file (" .. o.model .. ", " .. a .. ")\n" .. USAGE) end
      o.model = a
      i = i + 1
    end
  end
  if not o.model then die("import: no model file given\n" .. USAGE) end
  return o
end

-- A valid net name from a file name: "MobileNet-V2.onnx" -> "mobilenet_v2".
local function name_from(path)
  local base = path:match("([^/\\]*)$"):gsub("%.[oO][nN][nN][xX]$", ""):lower():gsub("[^a-z0-9_]", "_")
  if not base:match("^[a-z]") then base = "net_" .. base end
  base = base:sub(1, 32)
  if base == "sg" or base:match("^sg_") then base = "net_" .. base:sub(1, 28) end
  return base
end

local read_file = files.read

local function main(argv)
  local o = parse_args(argv)
  local bytes = read_file(o.model)
  if not bytes then die(o.model .. ": cannot read the model file") end
  local model, err = onnx.read(bytes)
  if not model then die(o.model .. ": " .. err) end
  local name = o.name or name_from(o.model)
  if not name:match("^[a-z][a-z0-9_]*$") or #name > 32 then
    die("import: --name " .. name .. ": a net name is [a-z][a-z0-9_]*, at most 32 characters")
  end
  local r, merr = map.convert(model, name)
  if not r then die(o.model .. ": " .. merr) end
  local wfile = name .. ".safetensors"
  local text = map.shapes_text(r, name, o.model, wfile, model)
  -- the shapes file must pass the generator's own validation
  -- (a field out of sepgen's ranges: pads beyond (k-1)*d, dilation 9, ...).
  -- The shapes file is not written, so its name is left out of the
  -- messages; each names the model and the ONNX node its layer came from.
  local chunk = name .. ".lua: "
  local net, errors = shapes.load(text, name .. ".lua")
  if not net then
    local lines = {}
    for i, e in ipairs(errors) do
      if e:sub(1, #chunk) == chunk then e = e:sub(#chunk + 1) end
      local L = r.layers[tonumber(e:match('^layer (%d+) "') or 0)]
      if L and L.origin then e = L.origin .. ", " .. e end
      lines[i] = o.model .. ": " .. e .. " (sepgen cannot express this)"
    end
    die(table.concat(lines, "\n"))
  end
  local have = {}
  for _, t in ipairs(r.tensors) do have[t.name] = t end
  for _, L in ipairs(net.layers) do
    for _, e in ipairs(weights.expected(L)) do
      local t = have[L.name .. "." .. e.field]
      local n = 1
      for _, d in ipairs(e.shape) do n = n * d end
      if not t or #t.raw ~= 4 * n then
        die("import: internal error: tensor " .. L.name .. "." .. e.field .. " does not match the layer", 1)
      end
    end
  end
  local data = safetensors.write(r.tensors)
  if not files.mkdir_p(o.out) then die("import: cannot create the directory " .. o.out) end
  local paths = { { o.out .. "/" .. name .. ".lua", text }, { o.out .. "/" .. wfile, data } }
  for _, p in ipairs(paths) do
    local f = io.open(p[1] .. ".tmp", "wb")
    if not f then die("import: cannot write " .. p[1]) end
    f:write(p[2])
    f:close()
  end
  for _, p in ipairs(paths) do assert(os.rename(p[1] .. ".tmp", p[1])) end
  local nl = #net.layers
  io.write(string.format("import: %s -> %s (%d layers), %s (%d tensors)\n", o.model, paths[1][1], nl, paths[2][1],
    #r.tensors))
  io.write(string.format("import: the net takes the image as NHWC [%d][%d][%d] " ..
    "(the ONNX input is NCHW [1, %d, %d, %d])\n", r.input.h, r.input.w, r.input.c, r.input.c, r.input.h, r.input.w))
  io.write(string.format("import: next: make gen SHAPES=%s WEIGHTS=%s\n", paths[1][1], paths[2][1]))
end

local ok, err = xpcall(function() main(arg) end, debug.traceback)
if not ok then die("import: internal error (please report): " .. tostring(err), 1) end
