-- template.lua - a small xngen-style template engine.
--
-- Lines whose first non-blank character is `$` are Lua (`$for i = 1, n do`,
-- `$end`); every other line is C text in which `${expr}` interpolates.
-- Integers go through util.int and strings as they are, so a float or a
-- nil never slips into generated code.  Each template line becomes exactly
-- one line of the translated Lua, so an error in a template names its own
-- line ("simd/pw.c.in:12: ...").  The C lines keep the template's
-- indentation; emit.lua re-indents kernel code once (cindent.lua), so
-- templates need not thread indentation through their helpers.
local util = require("util")

local M = {}

local loadstring = loadstring or load    -- luacheck: ignore 143

-- ${expr} of the template: integers and strings only.
local function fmt(v, expr)
  local t = type(v)
  if t == "string" then return v end
  if t == "number" then return util.int(v) end
  error("cannot interpolate ${" .. expr .. "}: it is a " .. t, 2)
end

-- The body of a Lua string literal holding s (a line: no newline in it).
local function esc(s)
  return (s:gsub('[\\"]', "\\%0"))
end

-- The template's C line `line` as Lua source appending it to _b; `name`
-- and `lineno` for the error of an unclosed ${.
local function text_line(line, name, lineno)
  local parts = {}
  local pos = 1
  while true do
    local s, e = line:find("%${", pos)
    if not s then break end
    local depth, j = 1, e + 1
    while j <= #line and depth > 0 do
      local c = line:sub(j, j)
      if c == "{" then depth = depth + 1 elseif c == "}" then depth = depth - 1 end
      j = j + 1
    end
    if depth ~= 0 then error(name .. ":" .. lineno .. ": unclosed ${", 0) end
    local expr = line:sub(e + 1, j - 2)
    if s > pos then parts[#parts + 1] = '"' .. esc(line:sub(pos, s - 1)) .. '"' end
    parts[#parts + 1] = "_fmt(" .. expr .. ', "' .. esc(expr) .. '")'
    pos = j
  end
  parts[#parts + 1] = '"' .. esc(line:sub(pos)) .. '\\n"'
  return "_b[#_b + 1] = " .. table.concat(parts, " .. ")
end

-- Translates template text into Lua source: line i of the source is line i
-- of the template (the set-up shares line 1; the return follows the last).
-- cover: each C line also records that it ran, in _cov[line].
function M.translate(text, name, cover)
  local out = {}
  local lineno = 0
  -- every line ends with a newline; a last line without one gets one
  if text ~= "" and text:sub(-1) ~= "\n" then text = text .. "\n" end
  for line in text:gmatch("([^\n]*)\n") do
    lineno = lineno + 1
    local code = line:match("^%s*%$(.*)$")
    if code and code:sub(1, 1) ~= "{" then
      out[lineno] = code
    else
      out[lineno] = (cover and ("_cov[" .. lineno .. "] = true; ") or "") .. text_line(line, name, lineno)
    end
  end
  out[1] = "local _b, _fmt = {}, _fmt; " .. (out[1] or "")
  out[#out + 1] = "return table.concat(_b)"
  return table.concat(out, "\n") .. "\n"
end

local cache = {}

-- Template coverage (tests/lua/template_coverage.lua): when M.cover is a
-- table, M.cover[name][line] is set for every C line of template `name`
-- that renders.
M.cover = nil

-- Compiles template `text` (named `name` in errors) into a function of its
-- variable table.
local function compile(text, name)
  local cover = M.cover and {}
  if cover then M.cover[name] = M.cover[name] or cover; cover = M.cover[name] end
  local src = M.translate(text, name, cover ~= nil)
  return function(vars)
    local env = setmetatable({ _fmt = fmt, _cov = cover }, {
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
    if not fn then error("template " .. err, 0) end
    return fn()
  end
end

-- Renders template `name` (text `text`) with variables `vars`.
function M.render(text, name, vars)
  local key = name .. "\0" .. (M.cover and "cover\0" or "") .. text
  if not cache[key] then cache[key] = compile(text, name) end
  return cache[key](vars)
end

return M
