-- expect: op
-- layer without op
return { name = "bad", input = { h = 8, w = 8, c = 8 }, layers = { { k = 3 } } }
