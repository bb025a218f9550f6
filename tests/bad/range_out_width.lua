-- expect: 16384
-- every tensor obeys the input ranges: dwdeconv stride 2 on width 16384 gives width 32768 (limit 16384)
return { name = "bad", input = { h = 1, w = 16384, c = 1 }, layers = { { op = "dwdeconv", stride = { 1, 2 } } } }
