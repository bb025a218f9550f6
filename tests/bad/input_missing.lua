-- expect: input
-- no net input and the first layer has none either
return { name = "bad", layers = { { op = "dwconv" } } }
