-- files.lua - the file system for the command-line scripts (main.lua,
-- import.lua): reading a whole file and creating a directory.  The other
-- modules never touch files.
local M = {}

-- The bytes of the file at path, or nil when it cannot be read.
function M.read(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("*a")
  f:close()
  return s
end

local function shell_quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

-- Creates directory dir and its parents (quietly); true on success.
function M.mkdir_p(dir)
  local ok = os.execute("mkdir -p " .. shell_quote(dir) .. " 2>/dev/null")
  return ok == true or ok == 0
end

return M
