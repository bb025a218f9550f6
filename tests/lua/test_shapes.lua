-- test_shapes.lua - shapes.load(text, file) against README "The shapes file", "Layer semantics" and "Errors":
-- every field's type and range errors, fields that do not apply to an op,
-- unknown fields, defaults and normalized values, chaining, output shapes of
-- every op, residual references, the 2^31-element cap and the message format
-- `file: layer N "name": field: message` / `file: field: message`.
local H = require("harness")
local shapes = require("shapes")

local T = {}

local FILE = "net.lua"

---------------------------------------------------------------- helpers

-- A net around a list of layer sources (Lua text), with a net-level input.
local function net_src(layers, input)
  return "return { name = \"n\", input = " .. (input or "{ h = 8, w = 8, c = 8 }") ..
         ", layers = { " .. layers .. " } }"
end

local function load_ok(src)
  local net, errs = shapes.load(src, FILE)
  if not net then
    H.fail("expected the file to load, got errors: " .. table.concat(errs or { "(none)" }, " | ") ..
           "  (source: " .. H.quote(src) .. ")")
  end
  return net
end

local function layer_ok(layer, input) return load_ok(net_src(layer, input)).layers[1] end

local function errors_of(src)
  local net, errs = shapes.load(src, FILE)
  if net then H.fail("expected errors, but the file loaded: " .. H.quote(src)) end
  H.ok(type(errs) == "table" and #errs >= 1, "errors list for " .. H.quote(src))
  return errs
end

-- Exactly one error, starting with `prefix` and containing every fragment.
local function one_error(src, prefix, ...)
  local errs = errors_of(src)
  if #errs ~= 1 then
    H.fail("expected exactly one error starting with " .. H.repr(prefix) .. ", got " .. #errs .. ": " ..
           table.concat(errs, " | ") .. "  (source: " .. H.quote(src) .. ")")
  end
  local e = errs[1]
  if e:sub(1, #prefix) ~= prefix then
    H.fail("expected an error starting with " .. H.repr(prefix) .. ", got " .. H.repr(e) ..
           "  (source: " .. H.quote(src) .. ")")
  end
  for i = 1, select("#", ...) do
    H.contains(e, (select(i, ...)), "error for " .. H.quote(src))
  end
  return e
end

-- One bad layer (the only layer, named l1) with the error on `field`
-- (followed by ": ", or by " (" as in `k[2] (kw): `).
local function bad_layer(layer, field, ...)
  local e = one_error(net_src(layer), FILE .. ": layer 1 \"l1\": " .. field, ...)
  local p = FILE .. ": layer 1 \"l1\": " .. field
  local after = e:sub(#p + 1, #p + 2)
  if after ~= ": " and after ~= " (" then
    H.fail("expected the error to name the field " .. H.repr(field) .. ", got " .. H.repr(e))
  end
  return e
end

local OPS = { "dwconv", "pwconv", "separable", "dwdeconv", "bottleneck" }

---------------------------------------------------------------- message format

function T.message_exact_stride()
  -- README "Errors", verbatim
  local src = net_src('{ name = "b1", op = "dwconv" }, { name = "b2", op = "dwconv" }, ' ..
                      '{ name = "b3", op = "separable", stride = 0 }')
  local errs = errors_of(src)
  H.eq(errs, { 'net.lua: layer 3 "b3": stride: must be an integer in 1..8, got 0' }, "stride = 0 on layer 3")
end

function T.message_exact_input_h()
  local errs = errors_of('return { name = "n", input = { h = 0, w = 8, c = 8 }, layers = { { op = "dwconv" } } }')
  H.eq(errs, { "net.lua: input.h: must be an integer in 1..16384, got 0" }, "input.h = 0")
end

function T.message_exact_kernel_does_not_fit()
  local src = net_src('{ name = "a", op = "dwconv" }, { name = "b", op = "dwconv" }, { name = "c", op = "dwconv" }, ' ..
                      '{ name = "d", op = "dwconv", k = 5, pad = "valid", input = { h = 2, w = 2, c = 4 } }')
  H.eq(errors_of(src),
    { 'net.lua: layer 4 "d": output height: 5x5 kernel does not fit a 2x2 input with valid padding' },
    "5x5 valid on 2x2")
end

function T.message_names_file_layer_and_field()
  -- the file name is the one given; unnamed layers show their default name
  local net, errs = shapes.load(net_src('{ op = "dwconv" }, { op = "dwconv", k = 0 }'), "dir/my_net.lua")
  H.eq(net, nil, "net")
  H.eq(#errs, 1, "one error")
  H.contains(errs[1], 'dir/my_net.lua: layer 2 "l2": k: ', "prefix")
  H.contains(errs[1], "got 0", "found value")
  H.contains(errs[1], "1..15", "expected range")
end

function T.one_line_per_problem_in_order()
  local errs = errors_of(net_src('{ op = "dwconv", k = 0 }, { op = "dwconv" }, ' ..
    '{ op = "pwconv", cout = 0, input = { h = 2, w = 2, c = 2 } }, { op = "dwconv", mult = 65 }'))
  H.eq(#errs, 3, "three problems: " .. table.concat(errs, " | "))
  H.contains(errs[1], 'net.lua: layer 1 "l1": k: ', "first")
  H.contains(errs[2], 'net.lua: layer 3 "l3": cout: ', "second")
  H.contains(errs[3], 'net.lua: layer 4 "l4": mult: ', "third")
  for _, e in ipairs(errs) do H.not_contains(e, "\n", "single line") end
end

---------------------------------------------------------------- net level

function T.net_name()
  one_error('return { input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv" } } }', "net.lua: name: ", "missing")
  local bad = { '"1net"', '"Net"', '"my-net"', '"n n"', '""', '"' .. string.rep("a", 33) .. '"', "5", "true", "{}" }
  for _, v in ipairs(bad) do
    one_error('return { name = ' .. v .. ', input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv" } } }',
      "net.lua: name: ")
  end
  local net = load_ok('return { name = "' .. string.rep("a", 32) .. '", input = { h = 8, w = 8, c = 8 }, ' ..
                      'layers = { { op = "dwconv" } } }')
  H.eq(net.name, string.rep("a", 32), "32-character name")
  H.eq(load_ok(net_src('{ op = "dwconv" }'):gsub('"n"', '"a_1b"')).name, "a_1b", "name with digits and _")
end

function T.net_unknown_field()
  one_error('return { name = "n", nmae = "x", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv" } } }',
    "net.lua: nmae: ", 'did you mean "name"')
  one_error('return { name = "n", target = "avx2", input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv" } } }',
    "net.lua: target: ", "unknown field")
  one_error('return { name = "n", lyers = {}, input = { h = 8, w = 8, c = 8 }, layers = { { op = "dwconv" } } }',
    "net.lua: lyers: ", 'did you mean "layers"')
end

function T.net_layers_list()
  one_error('return { name = "n", input = { h = 8, w = 8, c = 8 } }', "net.lua: layers: ")
  one_error('return { name = "n", input = { h = 8, w = 8, c = 8 }, layers = {} }', "net.lua: layers: ", "got 0")
  one_error('return { name = "n", input = { h = 8, w = 8, c = 8 }, layers = "dwconv" }', "net.lua: layers: ")
  one_error('return { name = "n", input = { h = 8, w = 8, c = 8 }, layers = { a = { op = "dwconv" } } }',
    "net.lua: layers: ")
  one_error('local L = {} for i = 1, 4097 do L[i] = { op = "pwconv" } end ' ..
    'return { name = "n", input = { h = 1, w = 1, c = 1 }, layers = L }', "net.lua: layers: ", "4097")
  one_error(net_src('5'), 'net.lua: layer 1 "l1": ', "table")
  local net = load_ok('local L = {} for i = 1, 200 do L[i] = { op = "pwconv" } end ' ..
    'return { name = "n", input = { h = 1, w = 1, c = 1 }, layers = L }')
  H.eq(#net.layers, 200, "200 layers")
  H.eq(net.layers[200].name, "l200", "default name of layer 200")
end

function T.not_a_table_and_sandbox_errors()
  one_error("return 5", "net.lua: ", "table")
  one_error("return", "net.lua: ", "table")
  one_error('error("boom")', "net.lua:", "boom")
  one_error("return {", "net.lua:", "syntax")
  one_error("os.exit(3)", "net.lua:", "os")
  -- messages without a position still name the file
  one_error("error({})", "net.lua: ")
  one_error("while true do end", "net.lua:", "instruction")
  one_error(string.dump(function() return {} end), "net.lua: ")
end

---------------------------------------------------------------- input

function T.input_fields()
  local function net_with(input)
    return 'return { name = "n", input = ' .. input .. ', layers = { { op = "dwconv" } } }'
  end
  one_error(net_with("{ h = 0, w = 8, c = 8 }"), "net.lua: input.h: ", "1..16384", "got 0")
  one_error(net_with("{ h = 16385, w = 8, c = 8 }"), "net.lua: input.h: ", "got 16385")
  one_error(net_with("{ h = 2.5, w = 8, c = 8 }"), "net.lua: input.h: ", "2.5")
  one_error(net_with('{ h = "8", w = 8, c = 8 }'), "net.lua: input.h: ", '"8"')
  one_error(net_with("{ h = 8, c = 8 }"), "net.lua: input.w: ", "1..16384")
  one_error(net_with("{ h = 8, w = -1, c = 8 }"), "net.lua: input.w: ", "got -1")
  one_error(net_with("{ h = 8, w = 8, c = 65537 }"), "net.lua: input.c: ", "1..65536", "got 65537")
  one_error(net_with("{ h = 8, w = 8, c = 0 }"), "net.lua: input.c: ", "got 0")
  one_error(net_with("{ h = 8, w = 8, c = 8, d = 1 }"), "net.lua: input.d: ", "unknown field")
  one_error(net_with("8"), "net.lua: input: ", "got 8")
  local L = load_ok(net_with("{ h = 16384, w = 16384, c = 1 }")).layers[1]
  H.eq({ L.H, L.W, L.C }, { 16384, 16384, 1 }, "largest h and w")
  L = load_ok(net_with("{ h = 1, w = 1, c = 65536 }")).layers[1]
  H.eq({ L.H, L.W, L.C }, { 1, 1, 65536 }, "largest c")
  -- a layer's own input is checked the same way
  one_error(net_src('{ op = "dwconv", input = { h = 8, w = 0, c = 8 } }'),
    'net.lua: layer 1 "l1": input.w: ', "got 0")
  one_error(net_src('{ op = "dwconv", input = { h = 8, w = 8 } }'), 'net.lua: layer 1 "l1": input.c: ')
end

function T.input_missing()
  one_error('return { name = "n", layers = { { op = "dwconv" } } }', 'net.lua: layer 1 "l1": input: ', "missing")
  -- the first layer's own input is enough
  local net = load_ok('return { name = "n", layers = { { op = "dwconv", input = { h = 5, w = 6, c = 7 } } } }')
  H.eq({ net.layers[1].H, net.layers[1].W, net.layers[1].C }, { 5, 6, 7 }, "layer input")
end

---------------------------------------------------------------- layer names

function T.layer_name_pattern_and_length()
  for _, v in ipairs({ '"B1"', '"1b"', '"b-1"', '"b.1"', '""', '"_b"', "7", "true",
                       '"' .. string.rep("b", 33) .. '"' }) do
    local errs = errors_of(net_src('{ name = ' .. v .. ', op = "dwconv" }'))
    H.eq(#errs, 1, "one error for name = " .. v .. ": " .. table.concat(errs, " | "))
    H.ok(errs[1]:match('^net%.lua: layer 1 "?[^:]*"?: name: '), "name error for " .. v .. ": " .. errs[1])
  end
  local long = string.rep("b", 32)
  H.eq(layer_ok('{ name = "' .. long .. '", op = "dwconv" }').name, long, "32 characters")
  H.eq(layer_ok('{ name = "b_2x", op = "dwconv" }').name, "b_2x", "digits and _")
  H.eq(layer_ok('{ op = "dwconv" }').name, "l1", "default name")
end

function T.layer_name_duplicates()
  one_error(net_src('{ name = "a", op = "dwconv" }, { name = "a", op = "dwconv" }'),
    'net.lua: layer 2 "a": name: ', "duplicate")
  -- the default name of an unnamed layer counts
  one_error(net_src('{ op = "dwconv" }, { name = "l1", op = "dwconv" }'),
    'net.lua: layer 2 "l1": name: ', "duplicate")
  one_error(net_src('{ name = "l2", op = "dwconv" }, { op = "dwconv" }'),
    'net.lua: layer 2 "l2": name: ', "duplicate")
  -- not a duplicate: l1 given to layer 1 itself
  local net = load_ok(net_src('{ name = "l1", op = "dwconv" }, { op = "dwconv" }'))
  H.eq({ net.layers[1].name, net.layers[2].name }, { "l1", "l2" }, "names")
end

function T.layer_name_reserved()
  for _, n in ipairs({ "pack", "forward", "layers" }) do
    one_error(net_src('{ name = "' .. n .. '", op = "dwconv" }'), 'net.lua: layer 1 "' .. n .. '": name: ', n)
  end
  -- another layer's name + _pack, in either order
  one_error(net_src('{ name = "x", op = "dwconv" }, { name = "x_pack", op = "dwconv" }'),
    'net.lua: layer 2 "x_pack": name: ', "x_pack")
  one_error(net_src('{ name = "x_pack", op = "dwconv" }, { name = "x", op = "dwconv" }'),
    'net.lua: layer 1 "x_pack": name: ', "x_pack")
  -- unnamed layer 1 is "l1": "l1_pack" clashes
  one_error(net_src('{ op = "dwconv" }, { name = "l1_pack", op = "dwconv" }'),
    'net.lua: layer 2 "l1_pack": name: ')
  -- fine when no layer is called x, and for names merely containing pack
  local net = load_ok(net_src('{ name = "x_pack", op = "dwconv" }, { name = "packer", op = "dwconv" }, ' ..
                              '{ name = "forward2", op = "dwconv" }'))
  H.eq(#net.layers, 3, "x_pack alone, packer, forward2")
end

---------------------------------------------------------------- op and unknown fields

function T.op_field()
  bad_layer('{ k = 3 }', "op", "missing")
  bad_layer('{ op = "dwconf" }', "op", '"dwconf"', 'did you mean "dwconv"')
  bad_layer('{ op = "conv2d" }', "op", '"conv2d"')
  bad_layer('{ op = 3 }', "op", "got 3")
end

-- README "Layer fields" table: the ops each field applies to.
local FIELD_OPS = {
  name = OPS, input = OPS, bias = OPS, act = OPS, residual = OPS,
  k = { "dwconv", "separable", "dwdeconv", "bottleneck" },
  stride = { "dwconv", "separable", "dwdeconv", "bottleneck" },
  dilation = { "dwconv", "separable", "dwdeconv" },
  pad = { "dwconv", "separable", "dwdeconv" },
  mult = { "dwconv", "separable" },
  cout = { "pwconv", "separable", "bottleneck" },
  groups = { "pwconv", "separable", "bottleneck" },
  topology = { "pwconv", "separable", "bottleneck" },
  dw_act = { "separable", "bottleneck" },
  mid_act = { "bottleneck" },
  up_k = { "bottleneck" },
  out = { "dwdeconv" },
}
-- A valid value of each field (for ops it applies to) on an 8x8x8 input.
local FIELD_VALUE = {
  k = "3", stride = "1", dilation = "1", pad = '"same"', mult = "1", cout = "8", groups = "1",
  topology = "{ grid_in = { 8 }, grid_out = { 8 }, window = { 1 } }", dw_act = '"relu"',
  mid_act = '"relu"', up_k = "3", out = "{ h = 8, w = 8 }", bias = "false", act = '"relu6"',
  residual = "false", name = '"zz"', input = "{ h = 8, w = 8, c = 8 }",
}

function T.fields_not_applicable_to_op()
  local fields = {}
  for f in pairs(FIELD_OPS) do fields[#fields + 1] = f end
  table.sort(fields)
  local rejected, accepted = 0, 0
  for _, op in ipairs(OPS) do
    for _, f in ipairs(fields) do
      local applies = false
      for _, o in ipairs(FIELD_OPS[f]) do if o == op then applies = true end end
      local layer = '{ op = "' .. op .. '", ' .. f .. ' = ' .. FIELD_VALUE[f] .. ' }'
      if applies then
        load_ok(net_src(layer))
        accepted = accepted + 1
      else
        one_error(net_src(layer), 'net.lua: layer 1 "l1": ' .. f .. ": ", op)
        rejected = rejected + 1
      end
    end
  end
  H.eq({ accepted, rejected }, { 55, 30 }, "field/op pairs accepted, rejected")
end

function T.unknown_field_did_you_mean()
  bad_layer('{ op = "dwconv", strid = 2 }', "strid", "unknown field", 'did you mean "stride"')
  bad_layer('{ op = "dwconv", dilaton = 2 }', "dilaton", 'did you mean "dilation"')
  bad_layer('{ op = "separable", dwact = "relu" }', "dwact", 'did you mean "dw_act"')
  bad_layer('{ op = "pwconv", cuot = 4 }', "cuot", 'did you mean "cout"')
  local e = bad_layer('{ op = "dwconv", xyzzy = 1 }', "xyzzy", "unknown field")
  H.not_contains(e, "did you mean", "no suggestion for xyzzy")
  -- misspelt fields inside act
  bad_layer('{ op = "dwconv", act = { mn = 0 } }', "act.mn", 'did you mean "min"')
end

---------------------------------------------------------------- k, stride, dilation

function T.k_field()
  bad_layer('{ op = "dwconv", k = 0 }', "k", "1..15", "got 0")
  bad_layer('{ op = "dwconv", k = 16 }', "k", "got 16")
  bad_layer('{ op = "dwconv", k = 2.5 }', "k", "2.5")
  bad_layer('{ op = "dwconv", k = "3" }', "k", '"3"')
  bad_layer('{ op = "dwconv", k = { 3 } }', "k")
  bad_layer('{ op = "dwconv", k = { 3, 3, 3 } }', "k")
  bad_layer('{ op = "dwconv", k = { 3, 0 } }', "k[2]", "got 0")
  bad_layer('{ op = "dwconv", k = { 16, 3 } }', "k[1]", "got 16")
  bad_layer('{ op = "separable", k = -1 }', "k", "got -1")
  local L = layer_ok('{ op = "dwconv", k = { 3, 5 } }')
  H.eq({ L.kh, L.kw }, { 3, 5 }, "k = {3, 5}")
  L = layer_ok('{ op = "dwconv", k = 15 }', "{ h = 20, w = 20, c = 2 }")
  H.eq({ L.kh, L.kw }, { 15, 15 }, "k = 15")
  L = layer_ok('{ op = "dwdeconv", k = 1 }')
  H.eq({ L.kh, L.kw }, { 1, 1 }, "k = 1")
end

-- README "Errors": one line per problem.  A bad k on a bottleneck (whose up_k
-- defaults to k) is one problem.
function T.bottleneck_bad_k_reported_once()
  bad_layer('{ op = "bottleneck", k = -1 }', "k", "got -1")
  bad_layer('{ op = "bottleneck", k = { 3, 0 } }', "k[2]", "got 0")
  -- with an explicit up_k only k itself is wrong
  bad_layer('{ op = "bottleneck", k = 0, up_k = 3 }', "k", "got 0")
end

function T.stride_field()
  bad_layer('{ op = "dwconv", stride = 0 }', "stride", "1..8", "got 0")
  bad_layer('{ op = "dwconv", stride = 9 }', "stride", "got 9")
  bad_layer('{ op = "separable", stride = { 1, 9 } }', "stride[2]", "got 9")
  bad_layer('{ op = "bottleneck", stride = "2" }', "stride", '"2"')
  bad_layer('{ op = "dwdeconv", stride = 1.5 }', "stride", "1.5")
  local L = layer_ok('{ op = "dwconv", stride = { 2, 1 } }')
  H.eq({ L.sh, L.sw, L.OH, L.OW }, { 2, 1, 4, 8 }, "stride {2, 1}")
  L = layer_ok('{ op = "dwconv", stride = 8 }')
  H.eq({ L.sh, L.sw, L.OH, L.OW }, { 8, 8, 1, 1 }, "stride 8")
end

function T.dilation_field()
  bad_layer('{ op = "dwconv", dilation = 0 }', "dilation", "1..8", "got 0")
  bad_layer('{ op = "separable", dilation = 9 }', "dilation", "got 9")
  bad_layer('{ op = "dwdeconv", dilation = { 1, 0 } }', "dilation[2]", "got 0")
  bad_layer('{ op = "bottleneck", dilation = 1 }', "dilation", "bottleneck")
  local L = layer_ok('{ op = "dwconv", dilation = { 2, 3 } }', "{ h = 10, w = 10, c = 1 }")
  H.eq({ L.dh, L.dw }, { 2, 3 }, "dilation {2, 3}")
  -- SAME with dilation: effective kernels 5 and 7 on 10: pads 2,2 and 3,3
  H.eq({ L.OH, L.OW, L.pt, L.pb, L.pl, L.pr }, { 10, 10, 2, 2, 3, 3 }, "dilated SAME")
end

---------------------------------------------------------------- pad

function T.pad_forms()
  local L = layer_ok('{ op = "dwconv", k = 3 }')
  H.eq(L.pad, "same", "default pad")
  H.eq({ L.pt, L.pl, L.pb, L.pr }, { 1, 1, 1, 1 }, "same pads, 3x3 on 8x8")
  L = layer_ok('{ op = "dwconv", k = 3, pad = "valid" }')
  H.eq({ L.pt, L.pl, L.pb, L.pr, L.OH, L.OW }, { 0, 0, 0, 0, 6, 6 }, "valid")
  L = layer_ok('{ op = "dwconv", k = 3, pad = 2 }')
  H.eq({ L.pt, L.pl, L.pb, L.pr, L.OH, L.OW }, { 2, 2, 2, 2, 10, 10 }, "pad = 2")
  L = layer_ok('{ op = "dwconv", k = 3, pad = { 1, 2, 0, 1 } }')
  H.eq({ L.pt, L.pl, L.pb, L.pr, L.OH, L.OW }, { 1, 2, 0, 1, 7, 9 }, "pad = {1, 2, 0, 1}")
  -- each side up to (k-1)*d of its own axis
  L = layer_ok('{ op = "dwconv", k = { 3, 5 }, pad = { 2, 4, 2, 4 } }')
  H.eq({ L.pt, L.pl, L.pb, L.pr }, { 2, 4, 2, 4 }, "non-square kernel, largest pads")
  L = layer_ok('{ op = "dwconv", k = 3, dilation = 2, pad = 4 }')
  H.eq({ L.pt, L.OH }, { 4, 12 }, "dilation 2 allows pad 4")
  L = layer_ok('{ op = "dwdeconv", k = 3, stride = 2, pad = { 1, 1, 1, 1 } }', "{ h = 4, w = 4, c = 2 }")
  H.eq({ L.OH, L.OW }, { 7, 7 }, "dwdeconv explicit pad: 3*2 + 2 + 1 - 2")
end

function T.pad_errors()
  bad_layer('{ op = "dwconv", pad = "full" }', "pad", '"full"')
  bad_layer('{ op = "dwconv", pad = true }', "pad", "true")
  bad_layer('{ op = "dwconv", pad = -1 }', "pad", "got -1")
  bad_layer('{ op = "dwconv", pad = 3 }', "pad", "got 3")
  bad_layer('{ op = "dwconv", pad = 1.5 }', "pad", "1.5")
  bad_layer('{ op = "dwconv", k = 3, dilation = 2, pad = 5 }', "pad", "got 5")
  bad_layer('{ op = "dwconv", k = { 3, 5 }, pad = 3 }', "pad", "got 3")
  bad_layer('{ op = "dwconv", pad = { 1, 1, 1 } }', "pad")
  bad_layer('{ op = "dwconv", pad = { 1, 1, 1, 1, 1 } }', "pad")
  bad_layer('{ op = "dwconv", pad = { 0, 0, 0, 3 } }', "pad[4]", "got 3")
  bad_layer('{ op = "dwconv", pad = { -1, 0, 0, 0 } }', "pad[1]", "got -1")
  bad_layer('{ op = "dwconv", k = { 3, 5 }, pad = { 3, 0, 0, 0 } }', "pad[1]", "got 3")
  bad_layer('{ op = "separable", pad = { 0, 0, "1", 0 } }', "pad[3]", '"1"')
  bad_layer('{ op = "pwconv", pad = 0 }', "pad", "pwconv")
  bad_layer('{ op = "bottleneck", pad = "same" }', "pad", "bottleneck")
  -- k = 1: no padding is possible
  bad_layer('{ op = "dwconv", k = 1, pad = 1 }', "pad", "got 1")
end

---------------------------------------------------------------- mult, cout, groups

function T.mult_field()
  bad_layer('{ op = "dwconv", mult = 0 }', "mult", "1..64", "got 0")
  bad_layer('{ op = "dwconv", mult = 65 }', "mult", "got 65")
  bad_layer('{ op = "separable", mult = 1.5 }', "mult", "1.5")
  bad_layer('{ op = "dwconv", mult = "2" }', "mult", '"2"')
  bad_layer('{ op = "dwdeconv", mult = 1 }', "mult", "dwdeconv")
  bad_layer('{ op = "bottleneck", mult = 1 }', "mult", "bottleneck")
  local L = layer_ok('{ op = "dwconv", mult = 64 }', "{ h = 4, w = 4, c = 3 }")
  H.eq({ L.mult, L.OC }, { 64, 192 }, "mult 64")
end

function T.cout_field()
  bad_layer('{ op = "pwconv", cout = 0 }', "cout", "1..65536", "got 0")
  bad_layer('{ op = "separable", cout = 65537 }', "cout", "got 65537")
  bad_layer('{ op = "bottleneck", cout = 2.5 }', "cout", "2.5")
  bad_layer('{ op = "pwconv", cout = "8" }', "cout", '"8"')
  bad_layer('{ op = "dwconv", cout = 8 }', "cout", "dwconv")
  bad_layer('{ op = "dwdeconv", cout = 8 }', "cout", "dwdeconv")
  local L = layer_ok('{ op = "pwconv", cout = 65536 }', "{ h = 1, w = 1, c = 1 }")
  H.eq(L.OC, 65536, "cout 65536")
end

function T.groups_field()
  bad_layer('{ op = "pwconv", groups = 0 }', "groups", "got 0")
  bad_layer('{ op = "pwconv", groups = 1.5 }', "groups", "1.5")
  bad_layer('{ op = "pwconv", groups = 3 }', "groups", "8", "got 3")            -- 3 does not divide Cin 8
  bad_layer('{ op = "pwconv", cout = 12, groups = 8 }', "groups", "12", "got 8") -- 8 does not divide Cout 12
  bad_layer('{ op = "separable", groups = 16 }', "groups", "got 16")
  bad_layer('{ op = "pwconv", groups = 2, topology = { grid_in = { 8 }, grid_out = { 8 }, window = { 1 } } }',
    "groups", "topology")
  bad_layer('{ op = "dwconv", groups = 2 }', "groups", "dwconv")
  -- groups: topology {g, Cin/g}, {g, Cout/g}, {1, Cin/g}; S = Cin/g
  local L = layer_ok('{ op = "pwconv", cout = 4, groups = 2 }')
  H.eq(L.pw.S, 4, "S with groups 2")
  H.eq(L.pw.topo, { grid_in = { 2, 4 }, grid_out = { 2, 2 }, window = { 1, 4 } }, "groups as topology")
  L = layer_ok('{ op = "pwconv", groups = 1 }')
  H.eq({ L.pw.S, L.pw.topo }, { 8, nil }, "groups 1 is dense")
  -- separable: the projection's input is C*mult (24), which 3 divides
  L = layer_ok('{ op = "separable", mult = 3, groups = 3, cout = 6 }')
  H.eq({ L.OC, L.pw.S, L.pw.cin }, { 6, 8, 24 }, "separable mult 3 groups 3")
  -- bottleneck: groups divides Cin of the projection (the input channels)
  L = layer_ok('{ op = "bottleneck", stride = 2, groups = 8, cout = 16 }')
  H.eq({ L.OC, L.pw.S }, { 16, 1 }, "bottleneck groups 8")
end

---------------------------------------------------------------- topology

function T.topology_errors()
  bad_layer('{ op = "pwconv", topology = 5 }', "topology", "got 5")
  bad_layer('{ op = "pwconv", topology = { grid_in = { 8 }, grid_out = { 8 } } }', "topology.window")
  bad_layer('{ op = "pwconv", topology = { grid_in = { 8 }, grid_out = { 8 }, window = { 1 }, extra = 1 } }',
    "topology.extra", "unknown field")
  bad_layer('{ op = "pwconv", topology = { grid_in = { 4 }, grid_out = { 8 }, window = { 1 } } }',
    "topology.grid_in", "4", "8")                                  -- product != Cin
  bad_layer('{ op = "pwconv", topology = { grid_in = { 2, 4 }, grid_out = { 2, 2 }, window = { 1, 1 } } }',
    "topology.grid_out", "4", "8")                                 -- product != Cout (default Cin)
  bad_layer('{ op = "pwconv", cout = 16, topology = { grid_in = { 8 }, grid_out = { 8 }, window = { 1 } } }',
    "topology.grid_out", "16")
  bad_layer('{ op = "pwconv", topology = { grid_in = { 8 }, grid_out = { 8 }, window = { 9 } } }',
    "topology.window[1]", "got 9")                                 -- window > grid
  bad_layer('{ op = "pwconv", topology = { grid_in = { 2, 4 }, grid_out = { 2, 4 }, window = { 1, 5 } } }',
    "topology.window[2]", "5")
  bad_layer('{ op = "pwconv", topology = { grid_in = { 8 }, grid_out = { 8 }, window = { 0 } } }',
    "topology.window[1]", "got 0")
  bad_layer('{ op = "pwconv", topology = { grid_in = { 8, 0 }, grid_out = { 8 }, window = { 1 } } }',
    "topology.grid_in[2]", "got 0")
  bad_layer('{ op = "pwconv", topology = { grid_in = { 2, 4 }, grid_out = { 8 }, window = { 1, 1 } } }',
    "topology.grid_out")                                           -- dimensions differ
  bad_layer('{ op = "pwconv", topology = { grid_in = { 8 }, grid_out = { 8 }, window = { 1, 1 } } }',
    "topology.window")
  bad_layer('{ op = "pwconv", topology = { grid_in = {}, grid_out = {}, window = {} } }', "topology.grid_in")
  bad_layer('{ op = "pwconv", topology = { grid_in = { a = 8 }, grid_out = { 8 }, window = { 1 } } }',
    "topology.grid_in")
  bad_layer('{ op = "pwconv", topology = { grid_in = { 8.5 }, grid_out = { 8 }, window = { 1 } } }',
    "topology.grid_in[1]", "8.5")
  -- more than 8 dimensions (products still right: 2^8 * 1 = 256)
  local nine = "{ 2, 2, 2, 2, 2, 2, 2, 2, 1 }"
  one_error(net_src('{ op = "pwconv", topology = { grid_in = ' .. nine .. ', grid_out = ' .. nine ..
    ', window = { 1, 1, 1, 1, 1, 1, 1, 1, 1 } } }', "{ h = 2, w = 2, c = 256 }"),
    'net.lua: layer 1 "l1": topology.grid_in: ', "8")
end

function T.topology_valid()
  local L = layer_ok('{ op = "pwconv", cout = 16, ' ..
                     'topology = { grid_in = { 2, 4 }, grid_out = { 4, 4 }, window = { 1, 2 } } }')
  H.eq({ L.OC, L.pw.S, L.pw.cin, L.pw.cout }, { 16, 2, 8, 16 }, "S = product of window")
  H.eq(L.pw.topo, { grid_in = { 2, 4 }, grid_out = { 4, 4 }, window = { 1, 2 } }, "topology kept")
  -- 8 dimensions are allowed
  local eight = "{ 2, 2, 2, 2, 2, 2, 2, 2 }"
  L = layer_ok('{ op = "pwconv", topology = { grid_in = ' .. eight .. ', grid_out = ' .. eight ..
    ', window = { 2, 1, 2, 1, 2, 1, 2, 1 } } }', "{ h = 2, w = 2, c = 256 }")
  H.eq(L.pw.S, 16, "8-d topology")
  -- on separable the grid covers C*mult, on bottleneck Cin
  L = layer_ok('{ op = "separable", mult = 2, ' ..
               'topology = { grid_in = { 4, 4 }, grid_out = { 4, 4 }, window = { 2, 2 } } }')
  H.eq({ L.OC, L.pw.S }, { 16, 4 }, "separable topology on 16 channels")
  L = layer_ok('{ op = "bottleneck", cout = 4, topology = { grid_in = { 8 }, grid_out = { 4 }, window = { 3 } } }')
  H.eq({ L.OC, L.pw.S }, { 4, 3 }, "bottleneck topology")
end

---------------------------------------------------------------- bias, activations

function T.bias_field()
  bad_layer('{ op = "dwconv", bias = "yes" }', "bias", '"yes"')
  bad_layer('{ op = "pwconv", bias = 1 }', "bias", "got 1")
  bad_layer('{ op = "pwconv", bias = 0 }', "bias", "got 0")
  for _, op in ipairs(OPS) do
    H.eq(layer_ok('{ op = "' .. op .. '" }').bias, true, op .. " default bias")
    H.eq(layer_ok('{ op = "' .. op .. '", bias = false }').bias, false, op .. " bias = false")
    H.eq(layer_ok('{ op = "' .. op .. '", bias = true }').bias, true, op .. " bias = true")
  end
end

-- the ops of whole networks: defaults and resolved geometry
function T.whole_net_ops()
  local c = layer_ok('{ op = "conv", k = 3, stride = 2, cout = 32 }', "{ h = 224, w = 224, c = 3 }")
  H.eq({ c.OH, c.OW, c.OC, c.pt, c.pb, c.bias }, { 112, 112, 32, 0, 1, true }, "stem: SAME, stride 2")
  local g = layer_ok('{ op = "conv", groups = 4, cout = 12, pad = "valid" }')
  H.eq({ g.OH, g.OC, g.groups }, { 6, 12, 4 }, "grouped conv, valid")
  local d = layer_ok('{ op = "conv" }')
  H.eq({ d.kh, d.sh, d.OC, d.pad }, { 3, 1, 8, "same" }, "conv defaults: k 3, stride 1, cout C, SAME")
  local mp = layer_ok('{ op = "pool", type = "max", k = 2 }')
  H.eq({ mp.sh, mp.sw, mp.pad, mp.OH, mp.count_pad, mp.bias }, { 2, 2, "valid", 4, false, false },
    "pool: stride = k, valid, no weights")
  local gp = layer_ok('{ op = "pool", type = "avg", global = true }', "{ h = 7, w = 5, c = 16 }")
  H.eq({ gp.OH, gp.OW, gp.OC, gp.kh, gp.kw }, { 1, 1, 16, 7, 5 }, "global pool: one window of the input")
  local f = layer_ok('{ op = "fc", cout = 10 }', "{ h = 2, w = 3, c = 4 }")
  H.eq({ f.OH, f.OW, f.OC }, { 1, 1, 10 }, "fc")
  local e = layer_ok('{ op = "se", reduce = 2 }')
  H.eq({ e.OH, e.OC, e.reduce, e.se_act, e.gate }, { 8, 8, 2, { lo = 0 }, { kind = "hsigmoid" } },
    "se: relu, hsigmoid by default")
  local sm = layer_ok('{ op = "softmax", act = "relu" }')
  H.eq({ sm.OH, sm.OC, sm.bias }, { 8, 8, false }, "softmax")
end

function T.act_forms()
  for _, f in ipairs({ "act", "dw_act", "mid_act" }) do
    local function L(v) return layer_ok('{ op = "bottleneck", ' .. f .. ' = ' .. v .. ' }')[f] end
    H.eq(layer_ok('{ op = "bottleneck" }')[f], nil, f .. " default none")
    H.eq(L('"none"'), nil, f .. " none")
    H.eq(L('"relu"'), { lo = 0 }, f .. " relu")
    H.eq(L('"relu6"'), { lo = 0, hi = 6 }, f .. " relu6")
    H.eq(L('{ min = -1, max = 2.5 }'), { lo = -1, hi = 2.5 }, f .. " {min, max}")
    H.eq(L('{ min = -1 }'), { lo = -1 }, f .. " {min}")
    H.eq(L('{ max = 3 }'), { hi = 3 }, f .. " {max}")
    H.eq(L('{ min = 1, max = 1 }'), { lo = 1, hi = 1 }, f .. " min == max")
    H.eq(L('{}'), nil, f .. " {} clamps nothing")
    H.eq(L('"hswish"'), { kind = "hswish" }, f .. " hswish")
    H.eq(L('"hsigmoid"'), { kind = "hsigmoid" }, f .. " hsigmoid")
    H.eq(L('"sigmoid"'), { kind = "sigmoid" }, f .. " sigmoid")
  end
end

function T.act_errors()
  for _, f in ipairs({ "act", "dw_act", "mid_act" }) do
    local function bad(v, field, ...) return bad_layer('{ op = "bottleneck", ' .. f .. ' = ' .. v .. ' }', field,
      ...) end
    bad('"relu7"', f, '"relu7"', '"hswish", "hsigmoid", "sigmoid"')
    bad('"HSwish"', f, '"HSwish"')
    bad('"RELU"', f, '"RELU"')
    bad('1', f, "got 1")
    bad('true', f, "true")
    bad('{ min = 2, max = 1 }', f, "min", "max")
    bad('{ min = "a" }', f .. ".min", '"a"')
    bad('{ max = {} }', f .. ".max")
    bad('{ lo = 0 }', f .. ".lo", "unknown field")
  end
  bad_layer('{ op = "dwconv", dw_act = "relu" }', "dw_act", "dwconv")
  bad_layer('{ op = "pwconv", dw_act = "relu" }', "dw_act", "pwconv")
  bad_layer('{ op = "separable", mid_act = "relu" }', "mid_act", "separable")
  bad_layer('{ op = "dwdeconv", mid_act = "relu" }', "mid_act", "dwdeconv")
  -- act applies to every op
  for _, op in ipairs(OPS) do
    H.eq(layer_ok('{ op = "' .. op .. '", act = "relu" }').act, { lo = 0 }, op .. " act")
    bad_layer('{ op = "' .. op .. '", act = { min = 1, max = 0 } }', "act", "min")
  end
end

---------------------------------------------------------------- out, up_k

function T.out_field()
  bad_layer('{ op = "dwdeconv", out = { h = 16 } }', "out.w")
  bad_layer('{ op = "dwdeconv", out = { w = 16 } }', "out.h")
  bad_layer('{ op = "dwdeconv", out = { h = 0, w = 8 } }', "out.h", "got 0")
  bad_layer('{ op = "dwdeconv", out = { h = 8, w = 8, c = 8 } }', "out.c", "unknown field")
  bad_layer('{ op = "dwdeconv", out = 16 }', "out", "got 16")
  bad_layer('{ op = "dwconv", out = { h = 8, w = 8 } }', "out", "dwconv")
  bad_layer('{ op = "bottleneck", out = { h = 8, w = 8 } }', "out", "bottleneck")
  -- the forward dwconv must land on the input: 7 rows, valid 3x3 stride 2
  local input = "{ h = 7, w = 7, c = 2 }"
  local function dd(pad, oh, ow)
    return net_src('{ op = "dwdeconv", stride = 2, pad = ' .. pad ..
                   ', out = { h = ' .. oh .. ', w = ' .. ow .. ' } }', input)
  end
  local L = load_ok(dd('"valid"', 15, 16)).layers[1]
  H.eq({ L.OH, L.OW, L.OC }, { 15, 16, 2 }, "valid out 15x16 on 7x7")
  one_error(dd('"valid"', 14, 15), 'net.lua: layer 1 "l1": out.h: ')
  one_error(dd('"valid"', 15, 17), 'net.lua: layer 1 "l1": out.w: ')
  L = load_ok(dd('"same"', 13, 14)).layers[1]
  H.eq({ L.OH, L.OW }, { 13, 14 }, "same out 13x14 on 7x7")
  one_error(dd('"same"', 12, 14), 'net.lua: layer 1 "l1": out.h: ')
  one_error(dd('"same"', 14, 15), 'net.lua: layer 1 "l1": out.w: ')
  -- out beyond the tensor range
  one_error(net_src('{ op = "dwdeconv", stride = 2, out = { h = 16385, w = 16 } }', "{ h = 8193, w = 8, c = 1 }"),
    'net.lua: layer 1 "l1": out.h: ')
end

function T.up_k_field()
  bad_layer('{ op = "bottleneck", up_k = 0 }', "up_k", "got 0")
  bad_layer('{ op = "bottleneck", up_k = 16 }', "up_k", "got 16")
  bad_layer('{ op = "bottleneck", up_k = { 3, 0 } }', "up_k[2]", "got 0")
  bad_layer('{ op = "separable", up_k = 3 }', "up_k", "separable")
  bad_layer('{ op = "dwdeconv", up_k = 3 }', "up_k", "dwdeconv")
  local L = layer_ok('{ op = "bottleneck", k = 5, stride = 2 }', "{ h = 9, w = 9, c = 4 }")
  H.eq({ L.up.kh, L.up.kw }, { 5, 5 }, "up_k defaults to k")
  L = layer_ok('{ op = "bottleneck", k = { 5, 3 }, stride = 2 }', "{ h = 9, w = 9, c = 4 }")
  H.eq({ L.up.kh, L.up.kw }, { 5, 3 }, "up_k defaults to non-square k")
  L = layer_ok('{ op = "bottleneck", k = 3, up_k = { 1, 5 }, stride = 2 }', "{ h = 9, w = 9, c = 4 }")
  H.eq({ L.kh, L.up.kh, L.up.kw }, { 3, 1, 5 }, "up_k {1, 5}")
end

---------------------------------------------------------------- residual

function T.residual_forms()
  local L = layer_ok('{ op = "dwconv" }')
  H.eq(L.residual, "none", "default")
  L = layer_ok('{ op = "dwconv", residual = false }')
  H.eq(L.residual, "none", "false")
  L = layer_ok('{ op = "dwconv", residual = true }')
  H.eq(L.residual, "self", "true")
  for _, op in ipairs(OPS) do
    -- shape-preserving variants of every op accept residual = true
    local extra = ({ dwdeconv = ", stride = 1", bottleneck = ", stride = 2" })[op] or ""
    H.eq(layer_ok('{ op = "' .. op .. '", residual = true' .. extra .. ' }').residual, "self", op .. " residual = true")
  end
  bad_layer('{ op = "dwconv", residual = 1 }', "residual", "got 1")
  bad_layer('{ op = "dwconv", residual = { "a" } }', "residual")
end

function T.residual_shape_errors()
  -- residual = true: input and output must have the same shape
  bad_layer('{ op = "dwconv", stride = 2, residual = true }', "residual", "8x8x8", "4x4x8")
  bad_layer('{ op = "pwconv", cout = 16, residual = true }', "residual", "8x8x16")
  bad_layer('{ op = "dwconv", mult = 2, residual = true }', "residual")
  bad_layer('{ op = "bottleneck", cout = 4, residual = true }', "residual")
  bad_layer('{ op = "dwdeconv", stride = 2, residual = true }', "residual")
  -- named: the named layer's input must have this layer's output shape
  one_error(net_src('{ name = "a", op = "pwconv", cout = 16 }, { name = "b", op = "dwconv" }, ' ..
    '{ name = "c", op = "pwconv", cout = 4, residual = "a" }'), 'net.lua: layer 3 "c": residual: ', "8x8x8", "8x8x4")
end

function T.residual_reference_errors()
  -- unknown name, with a suggestion among earlier layers
  one_error(net_src('{ name = "expand", op = "pwconv" }, { name = "b", op = "pwconv", residual = "expnd" }'),
    'net.lua: layer 2 "b": residual: ', '"expnd"', 'did you mean "expand"')
  one_error(net_src('{ name = "a", op = "dwconv", residual = "zz" }'), 'net.lua: layer 1 "a": residual: ', '"zz"')
  -- a later layer
  one_error(net_src('{ name = "a", op = "dwconv", residual = "b" }, { name = "b", op = "dwconv" }'),
    'net.lua: layer 1 "a": residual: ', '"b"')
  -- itself: not an earlier layer
  one_error(net_src('{ name = "a", op = "dwconv" }, { name = "b", op = "dwconv", residual = "b" }'),
    'net.lua: layer 2 "b": residual: ', '"b"')
  -- another chain (same shapes; a new chain starts at c)
  one_error(net_src('{ name = "a", op = "dwconv" }, { name = "b", op = "pwconv" }, ' ..
    '{ name = "c", op = "dwconv", input = { h = 8, w = 8, c = 8 } }, { name = "d", op = "pwconv", residual = "a" }'),
    'net.lua: layer 4 "d": residual: ', '"a"', "chain")
  -- a default name can be referenced
  local net = load_ok(net_src('{ op = "dwconv" }, { op = "pwconv", residual = "l1" }'))
  H.eq({ net.layers[2].residual, net.layers[2].skip }, { "named", 1 }, "residual = \"l1\"")
end

function T.residual_named_valid()
  -- MobileNet v2 block: expand, depthwise, project + skip from the block input
  local net = load_ok(net_src('{ name = "e", op = "pwconv", cout = 48 }, ' ..
    '{ name = "d", op = "dwconv", act = "relu6" }, ' ..
    '{ name = "p", op = "pwconv", cout = 8, residual = "e" }, { name = "q", op = "dwconv" }, ' ..
    '{ name = "t", op = "dwconv", residual = "q" }, ' ..
    '{ name = "r", op = "separable", input = { h = 4, w = 4, c = 3 } }, { name = "s", op = "dwconv", residual = "r" }'))
  local L3, L5, L7 = net.layers[3], net.layers[5], net.layers[7]
  H.eq({ L3.residual, L3.skip, L3.skip_name }, { "named", 1, "e" }, "p skips from e")
  H.eq({ L5.residual, L5.skip }, { "named", 4 }, "t skips from q (the previous layer)")
  H.eq({ L7.residual, L7.skip }, { "named", 6 }, "s skips from r (first layer of its chain)")
  H.eq({ net.layers[2].residual, net.layers[4].residual }, { "none", "none" }, "no residual")
end

---------------------------------------------------------------- defaults

function T.defaults_dwconv()
  local L = layer_ok('{ op = "dwconv" }')
  H.eq({ L.name, L.op, L.kh, L.kw, L.sh, L.sw, L.dh, L.dw, L.pad, L.mult, L.bias, L.residual },
       { "l1", "dwconv", 3, 3, 1, 1, 1, 1, "same", 1, true, "none" }, "dwconv defaults")
  H.eq({ L.act, L.H, L.W, L.C, L.OH, L.OW, L.OC }, { nil, 8, 8, 8, 8, 8, 8 }, "dwconv shapes")
  H.eq({ L.pt, L.pl, L.pb, L.pr }, { 1, 1, 1, 1 }, "same pads")
end

function T.defaults_cout_is_channels_entering_projection()
  local L = layer_ok('{ op = "pwconv" }', "{ h = 3, w = 5, c = 7 }")
  H.eq({ L.OH, L.OW, L.OC, L.pw.S, L.pw.groups }, { 3, 5, 7, 7, 1 }, "pwconv: cout = Cin, dense")
  L = layer_ok('{ op = "separable", mult = 3 }', "{ h = 3, w = 5, c = 7 }")
  H.eq({ L.OC, L.pw.cin, L.pw.S }, { 21, 21, 21 }, "separable: cout = C*mult")
  L = layer_ok('{ op = "bottleneck" }', "{ h = 3, w = 5, c = 7 }")
  H.eq({ L.OC, L.pw.cin }, { 7, 7 }, "bottleneck: cout = C")
  L = layer_ok('{ op = "separable" }')
  H.eq({ L.kh, L.sh, L.dh, L.pad, L.mult, L.dw_act, L.act }, { 3, 1, 1, "same", 1, nil, nil }, "separable defaults")
  L = layer_ok('{ op = "bottleneck" }')
  H.eq({ L.kh, L.sh, L.up.kh, L.dw_act, L.mid_act }, { 3, 1, 3, nil, nil }, "bottleneck defaults")
end

function T.integral_floats_normalized()
  local net = load_ok('return { name = "n", input = { h = 9.0, w = 8.0, c = 4.0 }, layers = {' ..
    '{ op = "dwconv", k = 3.0, stride = 2.0, dilation = 1.0, mult = 2.0, pad = { 1.0, 0.0, 1.0, 2.0 } },' ..
    '{ op = "separable", k = { 3.0, 1.0 }, stride = { 1.0, 2.0 }, dilation = { 2.0, 1.0 }, ' ..
    '  cout = 16.0, groups = 2.0 },' ..
    '{ op = "pwconv", cout = 8.0, ' ..
    '  topology = { grid_in = { 4.0, 4.0 }, grid_out = { 2.0, 4.0 }, window = { 2.0, 1.0 } } },' ..
    '{ op = "dwdeconv", k = 3.0, stride = 2.0, pad = "valid", out = { h = 11.0, w = 6.0 } },' ..
    '{ op = "bottleneck", k = 5.0, up_k = { 3.0, 1.0 }, stride = 2.0, cout = 8.0 },' ..
    '} }')
  local fields = { "H", "W", "C", "OH", "OW", "OC", "kh", "kw", "sh", "sw", "dh", "dw", "pt", "pl", "pb", "pr", "mult" }
  for i, L in ipairs(net.layers) do
    for _, f in ipairs(fields) do
      if L[f] ~= nil then H.is_int(L[f], "layer " .. i .. " " .. f) end
    end
    if L.pw then
      for _, f in ipairs({ "cin", "cout", "S", "groups" }) do H.is_int(L.pw[f], "layer " .. i .. " pw." .. f) end
      if L.pw.topo then
        for _, g in ipairs({ "grid_in", "grid_out", "window" }) do
          for j, v in ipairs(L.pw.topo[g]) do H.is_int(v, "layer " .. i .. " " .. g .. "[" .. j .. "]") end
        end
      end
    end
    if L.up then
      for _, f in ipairs({ "kh", "kw", "pt", "pl", "pb", "pr" }) do H.is_int(L.up[f], "layer " .. i .. " up." .. f) end
    end
  end
  local L1, L2, L3, L4, L5 = net.layers[1], net.layers[2], net.layers[3], net.layers[4], net.layers[5]
  H.eq({ L1.OH, L1.OW, L1.OC, L1.pt, L1.pl, L1.pb, L1.pr }, { 5, 4, 8, 1, 0, 1, 2 }, "layer 1")
  H.eq({ L2.OH, L2.OW, L2.OC, L2.pw.S, L2.pt, L2.pb, L2.pl, L2.pr }, { 5, 2, 16, 4, 2, 2, 0, 0 }, "layer 2")
  H.eq({ L3.OC, L3.pw.S }, { 8, 2 }, "layer 3")
  H.eq({ L4.OH, L4.OW, L4.OC }, { 11, 6, 8 }, "layer 4")
  H.eq({ L5.OH, L5.OW, L5.OC, L5.up.kh, L5.up.kw, L5.up.pt, L5.up.pb, L5.up.pl, L5.up.pr },
       { 11, 6, 8, 3, 1, 1, 1, 0, 0 }, "layer 5")
  -- an integer pad written as a float: same value (and %d prints it)
  local L = layer_ok('{ op = "dwconv", pad = 1.0 }')
  H.eq({ L.pt, L.pl, L.pb, L.pr, L.OH }, { 1, 1, 1, 1, 8 }, "pad = 1.0")
  H.eq(string.format("%d", L.pt), "1", "pad = 1.0 formats with %d")
end

---------------------------------------------------------------- chains and shapes

function T.chaining()
  local net = load_ok(net_src(
    '{ op = "dwconv", stride = 2 }, { op = "pwconv", cout = 6 }, { op = "separable", stride = 2, cout = 10 }, ' ..
    '{ op = "dwconv", input = { h = 5, w = 3, c = 2 }, mult = 2 }, { op = "pwconv", cout = 1 }',
    "{ h = 8, w = 8, c = 4 }"))
  local got = {}
  for i, L in ipairs(net.layers) do got[i] = { L.chain, L.H, L.W, L.C, L.OH, L.OW, L.OC } end
  H.eq(got, {
    { 1, 8, 8, 4, 4, 4, 4 },
    { 1, 4, 4, 4, 4, 4, 6 },
    { 1, 4, 4, 6, 2, 2, 10 },
    { 2, 5, 3, 2, 5, 3, 4 },     -- own input: a new chain
    { 2, 5, 3, 4, 5, 3, 1 },
  }, "{chain, H, W, C, OH, OW, OC} per layer")
  H.eq(net.chains, 2, "number of chains")
  -- a layer input equal to the previous output still starts a new chain
  net = load_ok(net_src('{ op = "dwconv" }, { op = "dwconv", input = { h = 8, w = 8, c = 8 } }'))
  H.eq({ net.layers[1].chain, net.layers[2].chain }, { 1, 2 }, "explicit input starts a chain")
  -- the first layer's own input wins over the net's
  net = load_ok(net_src('{ op = "dwconv", input = { h = 3, w = 4, c = 5 } }, { op = "pwconv" }'))
  H.eq({ net.layers[2].H, net.layers[2].W, net.layers[2].C, net.chains }, { 3, 4, 5, 1 }, "first layer's own input")
end

function T.output_shapes_every_op()
  local function shape(layer, input)
    local L = layer_ok(layer, input)
    return { L.OH, L.OW, L.OC }
  end
  -- dwconv: SAME ceil(H/s), C*mult; valid; explicit
  H.eq(shape('{ op = "dwconv", stride = 2, mult = 2 }', "{ h = 9, w = 7, c = 3 }"), { 5, 4, 6 },
    "dwconv same s2 mult 2")
  H.eq(shape('{ op = "dwconv", k = 5, stride = 2, pad = "valid" }', "{ h = 9, w = 7, c = 3 }"), { 3, 2, 3 },
    "dwconv valid")
  H.eq(shape('{ op = "dwconv", k = { 1, 3 }, stride = { 1, 3 } }', "{ h = 9, w = 7, c = 3 }"), { 9, 3, 3 },
    "dwconv 1x3 s1x3")
  -- pwconv: H x W x cout
  H.eq(shape('{ op = "pwconv", cout = 12 }', "{ h = 5, w = 6, c = 8 }"), { 5, 6, 12 }, "pwconv")
  -- separable: dwconv spatial size, cout channels
  H.eq(shape('{ op = "separable", stride = 2, mult = 2, cout = 16 }', "{ h = 10, w = 11, c = 4 }"), { 5, 6, 16 },
    "separable")
  local L = layer_ok('{ op = "separable", stride = 2, mult = 2, cout = 16 }', "{ h = 10, w = 11, c = 4 }")
  H.eq({ L.MH, L.MW, L.MC }, { 5, 6, 8 }, "separable intermediate")
  -- dwdeconv: same -> H*s; valid -> (H-1)s + (k-1)d + 1; explicit pads subtract
  H.eq(shape('{ op = "dwdeconv", stride = 2 }', "{ h = 7, w = 5, c = 3 }"), { 14, 10, 3 }, "dwdeconv same")
  H.eq(shape('{ op = "dwdeconv", stride = 2, pad = "valid" }', "{ h = 7, w = 5, c = 3 }"), { 15, 11, 3 },
    "dwdeconv valid")
  H.eq(shape('{ op = "dwdeconv", k = 3, stride = 2, dilation = 2, pad = "valid" }', "{ h = 4, w = 4, c = 1 }"),
    { 11, 11, 1 }, "dwdeconv valid dilated")
  H.eq(shape('{ op = "dwdeconv", k = 5, stride = 3, pad = { 1, 2, 3, 4 } }', "{ h = 4, w = 4, c = 1 }"),
    { 10, 8, 1 }, "dwdeconv explicit pads: 9+4+1-1-3, 9+4+1-2-4")
  H.eq(shape('{ op = "dwdeconv", stride = { 3, 1 }, k = { 3, 5 } }', "{ h = 4, w = 4, c = 2 }"), { 12, 4, 2 },
    "dwdeconv same non-square")
  -- bottleneck: output = input H x W x cout, down-sampled middle
  H.eq(shape('{ op = "bottleneck", stride = 2, cout = 12 }', "{ h = 9, w = 7, c = 8 }"), { 9, 7, 12 }, "bottleneck")
  L = layer_ok('{ op = "bottleneck", stride = 2, cout = 12, up_k = 5 }', "{ h = 9, w = 7, c = 8 }")
  H.eq({ L.MH, L.MW }, { 5, 4 }, "bottleneck middle ceil(H/s)")
  -- up: the adjoint of SAME 5x5 stride 2 from 9x7: pads 2,2 and 2,2
  H.eq({ L.up.pt, L.up.pb, L.up.pl, L.up.pr }, { 2, 2, 2, 2 }, "bottleneck up pads")
  H.eq(shape('{ op = "bottleneck", stride = { 3, 1 }, k = { 3, 5 } }', "{ h = 10, w = 4, c = 5 }"), { 10, 4, 5 },
    "bottleneck non-square")
end

function T.kernel_does_not_fit()
  one_error(net_src('{ op = "dwconv", k = 5, pad = "valid" }', "{ h = 2, w = 8, c = 1 }"),
    'net.lua: layer 1 "l1": output height: ', "does not fit")
  one_error(net_src('{ op = "separable", k = { 1, 5 }, pad = "valid" }', "{ h = 2, w = 2, c = 1 }"),
    'net.lua: layer 1 "l1": output width: ', "does not fit")
  one_error(net_src('{ op = "dwconv", k = 3, dilation = 4, pad = { 0, 0, 1, 0 } }', "{ h = 7, w = 9, c = 1 }"),
    'net.lua: layer 1 "l1": output height: ')
  -- SAME never fails, even with a kernel larger than the image
  H.eq({ layer_ok('{ op = "dwconv", k = 15 }', "{ h = 1, w = 2, c = 1 }").OH }, { 1 }, "15x15 same on 1x2")
end

---------------------------------------------------------------- sizes

function T.tensor_ranges_hold_for_every_tensor()
  -- outputs beyond 16384 rows or 65536 channels
  one_error(net_src('{ op = "dwdeconv", stride = 8 }', "{ h = 4096, w = 4, c = 1 }"), 'net.lua: layer 1 "l1": ',
    "16384")
  one_error(net_src('{ op = "dwconv", mult = 64 }', "{ h = 2, w = 2, c = 2048 }"), 'net.lua: layer 1 "l1": ', "65536")
  one_error(net_src('{ op = "separable", mult = 64, cout = 8 }', "{ h = 2, w = 2, c = 2048 }"),
    'net.lua: layer 1 "l1": ', "65536")
  -- ... also when the next layer would be fine
  local errs = errors_of(net_src('{ op = "dwconv", mult = 64 }, { op = "pwconv", cout = 8 }',
    "{ h = 2, w = 2, c = 2048 }"))
  H.eq(#errs, 1, "one error: " .. table.concat(errs, " | "))
end

function T.element_cap_2_31()
  -- 16384 x 16384 x 8 = 2^31 elements: not below the cap
  one_error('return { name = "n", input = { h = 16384, w = 16384, c = 8 }, layers = { { op = "dwconv", k = 1 } } }',
    'net.lua: layer 1 "l1": ', "2^31")
  -- 16384 x 16384 x 7 is below
  local L = load_ok('return { name = "n", input = { h = 16384, w = 16384, c = 7 }, ' ..
                    'layers = { { op = "dwconv" } } }').layers[1]
  H.eq({ L.OH, L.OW, L.OC }, { 16384, 16384, 7 }, "16384 x 16384 x 7")
  -- an output reaching 2^31
  one_error(net_src('{ op = "dwconv", mult = 8, k = 1 }', "{ h = 16384, w = 16384, c = 1 }"), 'net.lua: layer 1 "l1": ',
    "2^31")
  one_error(net_src('{ op = "dwdeconv", stride = 2 }', "{ h = 8192, w = 8192, c = 16 }"), 'net.lua: layer 1 "l1": ',
    "2^31")
  -- packed weights: a dense 65536 x 65536 projection
  one_error(net_src('{ op = "pwconv" }', "{ h = 1, w = 1, c = 65536 }"), 'net.lua: layer 1 "l1": ', "2^31")
  -- ... but grouped it holds 65536 x 1 weights
  L = layer_ok('{ op = "pwconv", groups = 65536 }', "{ h = 1, w = 1, c = 65536 }")
  H.eq({ L.OC, L.pw.S }, { 65536, 1 }, "depthwise-like grouped projection")
end

function T.element_cap_counts_only_tensors_and_weights()
  -- 16384 x 16383 x 8 = 2147352576 < 2^31 elements; a 1x1 dwconv with no
  -- padding has input and output of exactly that size and 16 weights
  local src = 'return { name = "n", input = { h = 16384, w = 16383, c = 8 }, layers = ' ..
              '{ { op = "dwconv", k = 1, pad = "valid" } } }'
  local L = load_ok(src).layers[1]
  H.eq({ L.OH, L.OW, L.OC }, { 16384, 16383, 8 }, "1x1 dwconv just below the cap")
  -- a projection has no padding at all: 16384 x 1 x 65536 = 2^30 in,
  -- 16384 x 1 x 1 out, 65537 packed floats
  L = layer_ok('{ op = "pwconv", cout = 1 }', "{ h = 16384, w = 1, c = 65536 }")
  H.eq({ L.OH, L.OW, L.OC }, { 16384, 1, 1 }, "pwconv on 16384 x 1 x 65536")
end

function T.bom_and_crlf_load_on_every_lua()
  -- a UTF-8 byte-order mark and CRLF line endings (a file saved on
  -- Windows); lua5.4 and lua5.1 rejected the mark, LuaJIT skipped it
  local src = "\239\187\191-- net\r\nreturn { name = \"n\",\r\n input = { h = 8, w = 8, c = 8 },\r\n" ..
              " layers = { { op = \"dwconv\" },\r\n { op = \"pwconv\", cout = 4 } } }\r\n"
  local net = load_ok(src)
  H.eq(#net.layers, 2, "layers of a file with a BOM and CRLF")
  -- an error still names the right line: line 3 holds the bad field
  local _, errs = shapes.load("\239\187\191return {\r\n name = \"n\",\r\n x = (nil)..1 }", FILE)
  H.ok(errs and errs[1]:match("^net%.lua:3:"), "line of an error after a BOM and CRLF: " .. tostring(errs and errs[1]))
end

function T.topology_connections_are_capped()
  -- 2^20 connections load; one output more does not (65535 outputs x 64
  -- took 27 s and wrote 29 MB of C before the limit)
  local ok = '{ op = "pwconv", cout = 16384, ' ..
             'topology = { grid_in = { 16384 }, grid_out = { 16384 }, window = { 64 } } }'
  H.eq(layer_ok(ok, "{ h = 1, w = 1, c = 16384 }").pw.S, 64, "16384 x 64 = 2^20 connections")
  local _, errs = shapes.load(net_src('{ op = "pwconv", cout = 65535, topology = { grid_in = { 65536 }, ' ..
    'grid_out = { 65535 }, window = { 64 } } }', "{ h = 1, w = 1, c = 65536 }"), FILE)
  H.ok(errs and errs[1]:match('^net%.lua: layer 1 "l1": topology: 65535 outputs x 64 inputs each = 4194240 ' ..
    'connections; sepgen\'s limit for a topology is 1048576'), "the limit's message: " .. tostring(errs and errs[1]))
end

function T.large_code_files_are_warned_about()
  local report = require("report")
  local big = string.rep("x", report.WARN_BYTES + 1)
  local w = report.size_warnings({ { "n.h", "small" }, { "n.c", big }, { "n_weights.c", big } }, 4096)
  H.eq(#w, 1, "one warning: the code file, not the baked weights")
  H.ok(w[1]:match("^warning: n%.c is 16%.8 MB of C for 4096 layers"), "the warning: " .. w[1])
end

return T
