-- template.lua - a small xngen-style template engine.
--
-- Lines whose first non-blank character is `$` are Lua (`$for i = 1, n do`,
-- `$end`); every other line is C text in which `${expr}` interpolates.
-- Integers go through util.int and strings as they are, so a float or a
-- nil never slips into generated code.  Output indentation is the text's.
local util = require("util")

local M = {}

local loadstring = loadstring or load    -- luacheck: ignore 143

local function fmt(v)
  local t = type(v)
  if t == "string" then return v end
  if t == "number" then return util.int(v) end
  error("template: cannot interpolate a " .. t, 2)
end

-- Translates template text into Lua source for a function of `env`.
local function translate(text, name)
  local out = { "local _b, _fmt = {}, _fmt\n" }
  local lineno = 0
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do
    lineno = lineno + 1
    local code = line:match("^%s*%$(.*)$")
    if code and code:sub(1, 1) ~= "{" then
      out[#out + 1] = code .. "\n"
    else
      local parts = {}
      local pos = 1
      while true do
        local s, e = line:find("%${", pos)
        if not s then break end
        -- find the matching brace
        local depth, j = 1, e + 1
        while j <= #line and depth > 0 do
          local c = line:sub(j, j)
          if c == "{" then depth = depth + 1 elseif c == "}" then depth = depth - 1 end
          j = j + 1
        end
        if depth ~= 0 then error(name .. ":" .. lineno .. ": unclosed ${") end
        parts[#parts + 1] = string.format("%q", line:sub(pos, s - 1))
        parts[#parts + 1] = "_fmt(" .. line:sub(e + 1, j - 2) .. ")"
        pos = j
      end
      parts[#parts + 1] = string.format("%q", line:sub(pos) .. "\n")
      out[#out + 1] = "_b[#_b+1] = " .. table.concat(parts, " .. ") .. "\n"
    end
  end
  out[#out + 1] = "return table.concat(_b)\n"
  return table.concat(out)
end

local cache = {}

-- Renders template `path` (text `text`) with variables `vars`.
function M.render(text, name, vars)
  local src = cache[text]
  if not src then
    src = translate(text, name)
    cache[text] = src
  end
  local env = setmetatable({ _fmt = fmt }, {
    __index = function(_, k)
      local v = vars[k]
      if v == nil then v = _G[k] end
      return v
    end,
  })
  local fn, err
  if setfenv then                       -- luacheck: ignore 143
    fn, err = loadstring(src, "=" .. name)
    if fn then setfenv(fn, env) end     -- luacheck: ignore 143
  else
    fn, err = load(src, "=" .. name, "t", env)
  end
  if not fn then error("template " .. name .. ": " .. err) end
  return fn()
end

M.translate = translate
return M
