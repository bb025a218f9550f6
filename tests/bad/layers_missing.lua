-- expect: layers
-- no layers
return { name = "bad", input = { h = 8, w = 8, c = 8 } }
