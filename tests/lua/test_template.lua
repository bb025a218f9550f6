-- test_template.lua - the template engine (gen/template.lua): `$` lines are
-- Lua, ${expr} interpolates integers and strings only, and every template
-- line is one line of the translated Lua, so errors name the template line.
local H = require("harness")
local template = require("template")

local T = {}

local function render(text, vars) return template.render(text, "t.c.in", vars or {}) end

-- the error message of render(text, vars)
local function err_of(text, vars)
  local ok, err = pcall(render, text, vars)
  H.ok(not ok, "expected an error for " .. H.quote(text))
  return tostring(err)
end

function T.text_passes_through()
  H.eq(render("int x;\n    y = 2;\n"), "int x;\n    y = 2;\n", "two C lines")
  H.eq(render("a\n\nb\n"), "a\n\nb\n", "a blank line")
  -- backslashes and quotes of C reach the output unchanged
  H.eq(render('printf("%d\\n", "q\\"");\n'), 'printf("%d\\n", "q\\"");\n', "escapes")
end

function T.interpolation_of_integers_and_strings()
  H.eq(render("x = ${a + 1}; s = \"${b}\";\n", { a = 2, b = "hi" }), "x = 3; s = \"hi\";\n", "values")
  H.eq(render("${n}\n", { n = 6 / 2 }), "3\n", "an integral float prints as an integer")
  H.eq(render("${t[1]}, ${f({ 1 })}\n", { t = { 7 }, f = function(x) return #x end }), "7, 1\n", "braces inside")
  H.eq(render("$for i = 1, 3 do\n${i}\n$end\n"), "1\n2\n3\n", "a $for loop")
  H.eq(render("  $if c then\nyes\n  $else\nno\n  $end\n", { c = false }), "no\n", "indented $ lines")
  H.eq(render("${'$'}{x}\n"), "${x}\n", "a literal ${ through a string")
end

function T.bad_values_name_the_expression_and_line()
  local e = err_of("a\nb = ${x.y};\n", { x = {} })
  H.contains(e, "t.c.in:2:", "line 2")
  H.contains(e, "cannot interpolate ${x.y}: it is a nil", "what")
  H.contains(err_of("${1.5}\n"), "not an integer: 1.5", "a float")
  H.contains(err_of("${{}}\n"), "cannot interpolate ${{}}: it is a table", "a table")
end

function T.errors_name_the_template_line()
  -- a run-time error in a $ line, after C lines and a $ line
  local e = err_of("int a;\n$local x = 1\nint b;\n$local y = nil + x\n")
  H.contains(e, "t.c.in:4:", "run-time error on line 4: " .. e)
  -- an error in an interpolation on line 3, the first line being Lua
  H.contains(err_of("$local t = {}\nx;\ny = ${t.a.b};\n"), "t.c.in:3:", "interpolation on line 3")
  -- a syntax error on line 2
  H.contains(err_of("a\n$for i = 1, do\n$end\n"), "t.c.in:2:", "syntax error on line 2")
  -- an unclosed ${ on line 3
  H.contains(err_of("a\nb\nc ${x\n"), "t.c.in:3: unclosed ${", "unclosed")
  -- errors raised by a helper the template calls name the template line too
  H.contains(err_of("a\n${f()}\n", { f = function() error("bad", 2) end }), "t.c.in:2: bad", "helper error")
end

function T.one_lua_line_per_template_line()
  local text = "/* a */\n$local x = 1\n${x} \"q\" \\\\ ${x}\n$for i = 1, 2 do\nv${i};\n$end\n"
  local src = template.translate(text, "t.c.in")
  local function lines(s) local n = 0; for _ in s:gmatch("\n") do n = n + 1 end; return n end
  H.eq(lines(src), lines(text) + 1, "template lines + the return")
  H.contains(src, "return table.concat(_b)\n", "the return last")
  for line in src:gmatch("[^\n]*") do H.not_contains(line, "\r", "no carriage returns") end
end

function T.rendering_is_repeatable_and_independent()
  local text = "$local n = k * 2\n${n}\n"
  H.eq(render(text, { k = 2 }), "4\n", "first")
  H.eq(render(text, { k = 5 }), "10\n", "same text, other vars")
  -- a template's locals do not leak into the next render
  H.eq(render("${tostring(n)}\n", {}), "nil\n", "no leak")
end

return T
