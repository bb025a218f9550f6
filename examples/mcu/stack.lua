-- stack.lua ROOT FILE.ci...: the deepest stack below function ROOT, from the
-- call graphs and frame sizes gcc writes with -fcallgraph-info=su (one .ci
-- file per object; -fstack-usage gives the same frame sizes in .su files).
--
-- Prints one line: the bytes of the deepest call chain from ROOT (ROOT's own
-- frame included), the chain with each frame, whether every frame on it is
-- static ("bounded" when gcc says "dynamic,bounded"), and the callees whose
-- frames are unknown (no .ci file: the C library, compiler helpers), which
-- are not counted.  Exit status 1 on recursion, an unbounded (dynamic)
-- frame or a ROOT absent from the files; 2 on usage errors.
local root = arg[1]
if not root or not arg[2] then
  io.stderr:write("usage: lua stack.lua ROOT FILE.ci...\n")
  os.exit(2)
end

local frame, kind, name, edges = {}, {}, {}, {}
for i = 2, #arg do
  local f = io.open(arg[i], "r")
  if not f then
    io.stderr:write(arg[i] .. ": cannot read\n")
    os.exit(2)
  end
  for line in f:lines() do
    local title, label = line:match('^node: { title: "([^"]*)" label: "([^"]*)"')
    if title then
      name[title] = label:match("^([^\\]*)")
      local bytes, how = label:match("\\n(%d+) bytes %(([^)]*)%)")
      if bytes then
        frame[title], kind[title] = tonumber(bytes), how
      end
    end
    local src, dst = line:match('^edge: { sourcename: "([^"]*)" targetname: "([^"]*)"')
    if src then
      edges[src] = edges[src] or {}
      edges[src][dst] = true
    end
  end
  f:close()
end
if not frame[root] then
  io.stderr:write("stack.lua: no frame size for " .. root .. " in the .ci files\n")
  os.exit(1)
end

local unknown, onpath, memo, bad = {}, {}, {}, nil
-- depth(t): the deepest stack from t down, and the chain (a list of titles).
local function depth(t)
  if memo[t] then return memo[t][1], memo[t][2] end
  if onpath[t] then
    bad = "recursion through " .. (name[t] or t)
    return 0, {}
  end
  if not frame[t] then
    unknown[name[t] or t] = true
    return 0, {}
  end
  if kind[t] ~= "static" and kind[t] ~= "dynamic,bounded" then bad = "unbounded frame in " .. (name[t] or t) end
  onpath[t] = true
  local best, chain = 0, {}
  local callees = {}
  for d in pairs(edges[t] or {}) do callees[#callees + 1] = d end
  table.sort(callees)
  for _, d in ipairs(callees) do
    local n, c = depth(d)
    if n > best then best, chain = n, c end
  end
  onpath[t] = nil
  local full = { t }
  for _, c in ipairs(chain) do full[#full + 1] = c end
  memo[t] = { frame[t] + best, full }
  return frame[t] + best, full
end

local total, chain = depth(root)
local parts, allstatic = {}, true
for _, t in ipairs(chain) do
  parts[#parts + 1] = string.format("%s %d", name[t] or t, frame[t])
  if kind[t] ~= "static" then allstatic = false end
end
local ext = {}
for n in pairs(unknown) do ext[#ext + 1] = n end
table.sort(ext)
print(string.format("%d bytes: %s (%s); not counted: %s", total, table.concat(parts, " > "),
  allstatic and "static frames" or "bounded frames", #ext > 0 and table.concat(ext, " ") or "none"))
if bad then
  io.stderr:write("stack.lua: " .. bad .. "\n")
  os.exit(1)
end
