-- luacheck settings for gen/ and tests/lua (make test, stage a).
-- The generator runs on Lua 5.1, 5.4 and LuaJIT: the union of their
-- standard globals, each version-specific use guarded at run time.
std = "max"
max_line_length = 120
