-- expect: os
-- sandbox: os is not available
os.execute("echo escaped > /tmp/sepgen_escaped")
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv" } } }
