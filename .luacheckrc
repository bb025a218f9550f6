-- luacheck settings for gen/ and tests/lua (make test, stage a).
-- The generator runs on Lua 5.1, 5.4 and LuaJIT: the standard library they
-- share ("min"), plus the few version-specific globals it touches, each use
-- guarded at run time (setfenv/loadstring on 5.1 and LuaJIT, unpack on 5.1,
-- jit on LuaJIT, string.pack/unpack and table.unpack on 5.3+).
std = "min"
read_globals = { "jit", "loadstring", "setfenv", "unpack",
  string = { fields = { "pack", "unpack" } }, table = { fields = { "unpack" } } }
max_line_length = 120
