-- expect: name
-- layer name that would inject C code
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { name = "x; system(\"rm\")", op = "dwconv" } } }
