-- translate.lua DIR TEMPLATE... - writes the translation into Lua of each
-- TEMPLATE (a path under templates/; gen/template.lua translate) to
-- DIR/<template path with / as _>.lua and a
-- DIR/.luacheckrc whose globals are the names emit.lua passes to templates
-- (emit.TEMPLATE_VARS), so that luacheck can check the templates' Lua:
--
--   lua5.4 tests/lua/translate.lua build/templates-lua templates/*.in templates/*/*.in
--   luacheck --config build/templates-lua/.luacheckrc build/templates-lua
--
-- Line i of a translation is line i of its template, so luacheck's line
-- numbers are the template's.  Run from the repository root.
package.path = "gen/?.lua;" .. package.path
local template = require("template")
local emit = require("emit")

local dir = assert(arg[1], "usage: translate.lua DIR TEMPLATE...")
local TEMPLATES = {}
for i = 2, #arg do TEMPLATES[#TEMPLATES + 1] = (arg[i]:gsub("^templates/", "")) end

local function write(path, text)
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
end

for _, name in ipairs(TEMPLATES) do
  local f = assert(io.open("templates/" .. name, "rb"))
  local text = f:read("*a")
  f:close()
  write(dir .. "/" .. name:gsub("/", "_") .. ".lua", template.translate(text, name))
end

local globals = { '"_fmt"' }
for _, k in ipairs(emit.TEMPLATE_VARS) do globals[#globals + 1] = string.format("%q", k) end
write(dir .. "/.luacheckrc", "-- written by tests/lua/translate.lua\n" ..
  "std = \"min\"\nmax_line_length = false\nread_globals = { " .. table.concat(globals, ", ") .. " }\n")
io.write(string.format("translated %d templates into %s\n", #TEMPLATES, dir))
