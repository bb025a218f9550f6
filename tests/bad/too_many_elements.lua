-- expect: elements
-- input tensor of 16384 x 16384 x 16 = 2^32 elements (limit: below 2^31)
return { name = "bad", input = { h = 16384, w = 16384, c = 16 }, layers = { { op = "pwconv" } } }
