-- expect: name
-- net name with an upper-case letter (must match [a-z][a-z0-9_]*)
return { name = "Abc", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv" } } }
