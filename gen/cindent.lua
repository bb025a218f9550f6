-- cindent.lua - indents generated C once, by brace depth, so templates and
-- their helpers never pass indentation around (emit.lua runs it over each
-- layer's code).  Four spaces per open brace; a line starting with `}`
-- closes its level first; the statement after a brace-less `for`, `if`,
-- `while` or `else` line goes one level deeper.  Preprocessor lines start
-- at column 0.  Continuation lines of a multi-line comment keep their
-- indentation relative to the comment's first line, so comment blocks stay
-- as the template draws them.
local M = {}

-- The code of `line` with string and character literals emptied and
-- comments removed; `in_comment`: the line starts inside a /* comment.
-- Returns the code and whether a /* comment is still open at the end.
local function code_of(line, in_comment)
  local out, i, n = {}, 1, #line
  while i <= n do
    if in_comment then
      local e = line:find("*/", i, true)
      if not e then return table.concat(out), true end
      i, in_comment = e + 2, false
    else
      local c, two = line:sub(i, i), line:sub(i, i + 1)
      if c == '"' or c == "'" then
        local j = i + 1
        while j <= n and line:sub(j, j) ~= c do
          if line:sub(j, j) == "\\" then j = j + 1 end
          j = j + 1
        end
        out[#out + 1] = c .. c
        i = j + 1
      elseif two == "/*" then
        in_comment, i = true, i + 2
      elseif two == "//" then
        break
      else
        out[#out + 1] = c
        i = i + 1
      end
    end
  end
  return table.concat(out), false
end

local function control(code)
  return code:match("^for%s*%(") or code:match("^if%s*%(") or code:match("^while%s*%(") or
         code == "else"
end

-- Re-indents C text; blank lines stay empty.
function M.indent(text)
  local out = {}
  local depth, pending = 0, 0          -- open braces; brace-less bodies
  local in_comment, cbase, corig = false, 0, 0
  local nl = text:sub(-1) == "\n"
  for line in (nl and text or text .. "\n"):gmatch("([^\n]*)\n") do
    local lead, s = line:match("^(%s*)(.-)$")
    if s == "" then
      out[#out + 1] = ""
    elseif in_comment then
      out[#out + 1] = string.rep(" ", cbase + math.max(0, #lead - corig)) .. s
      local _, open = code_of(s, true)
      in_comment = open
    elseif s:sub(1, 1) == "#" then
      out[#out + 1] = s
    else
      local code, open = code_of(s, false)
      code = code:match("^%s*(.-)%s*$")
      local level = depth + pending
      if code:sub(1, 1) == "}" then level = level - 1 end
      out[#out + 1] = string.rep("    ", level) .. s
      if open then in_comment, cbase, corig = true, 4 * level, #lead end
      for b in code:gmatch("[{}]") do depth = depth + (b == "{" and 1 or -1) end
      if control(code) and not code:match("[;{}]$") then
        pending = pending + 1
      elseif code ~= "" then
        pending = 0
      end
    end
  end
  return table.concat(out, "\n") .. (nl and "\n" or "")
end

return M
