-- expect: instruction
-- runs forever: stopped after 10 million VM instructions
while true do end
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv" } } }
