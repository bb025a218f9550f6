-- expect: name
-- a net named "check" would hide <check.h> from its Check test (found by make fuzz SEED=7)
return { name = "check", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv" } } }
