-- expect: expected
-- syntax error: missing comma between two fields (Lua: "'}' expected near 'k'")
return {
  name = "bad",
  input = { h = 8, w = 8, c = 8 },
  layers = {
    { op = "dwconv" k = 3 },
  },
}
