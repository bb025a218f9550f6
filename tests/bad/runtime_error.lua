-- expect: boom
-- the file raises an error while running
error("boom")
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv" } } }
