-- test_schema.lua - the stage records of gen/plan.lua against the schema
-- at its top: every field of every stage (band variants and fused band
-- projections included) of every test net and example, on every target,
-- is declared there, and a step can set only its own fields, once.
local H = require("harness")
local plan = require("plan")
local shapes = require("shapes")

local T = {}

-- every test net and example, as the golden files record them
local NETS = H.find("tests/nets examples -maxdepth 1 -name '*.lua'")

local function check_record(rec, kind, what)
  local decl = plan.STEP_OF[kind]
  H.ok(decl, what .. ": kind " .. tostring(kind) .. " has a schema")
  for k in pairs(rec) do
    H.ok(decl[k], what .. ": field " .. tostring(k) .. " is not in plan.SCHEMA." .. kind)
  end
end

local function check_stage(st, what) check_record(st, st.kind, what) end

function T.every_stage_field_is_declared()
  local n = 0
  for _, file in ipairs(NETS) do
    local net, errs = shapes.load(assert(H.read(file)), file)
    H.ok(net, file .. ": " .. table.concat(errs or {}, "; "))
    for _, tname in ipairs({ "scalar", "avx2", "avx512", "neon" }) do
      for _, fuse in ipairs({ "auto", "always" }) do
        for _, p in ipairs(plan.net(net, tname, fuse).layers) do
          local what = file .. " " .. tname .. " " .. fuse .. " " .. p.L.name
          check_record(p, "layer", what)
          for i, st in ipairs(p.stages) do check_stage(st, what .. " stage " .. i) end
          if p.fused then
            check_record(p.fused, "fused", what .. " bands")
            for _, v in ipairs(p.fused.dw) do check_stage(v, what .. " band variant") end
            for _, m in ipairs(p.fused.pw) do check_stage(p.fused.pw_of[m], what .. " band projection") end
          end
          n = n + 1
        end
      end
    end
  end
  H.ok(#NETS >= 19 and n > 1000, "nets " .. #NETS .. ", layers checked: " .. n)
end

function T.every_declared_field_names_a_step()
  for kind, fields in pairs(plan.SCHEMA) do
    for _, f in ipairs(fields) do
      H.eq(type(f[1]), "string", kind .. ": field name")
      H.eq(type(f[2]), "string", kind .. "." .. f[1] .. ": step")
      H.ok(type(f[3]) == "string" and #f[3] > 0, kind .. "." .. f[1] .. ": what it holds")
    end
  end
end

function T.a_step_sets_only_its_own_fields_once()
  local st = {}
  plan.fill(st, "pw", "panels", { mr = 4, nr = 8 })
  H.eq(st.mr, 4, "set")
  local ok, err = pcall(plan.fill, st, "pw", "panels", { mr = 5 })
  H.ok(not ok, "set twice: error")
  H.contains(err, "pw.mr set twice", "message")
  ok, err = pcall(plan.fill, st, "pw", "blocking", { mr = 5 })
  H.ok(not ok, "another step's field: error")
  H.contains(err, "step blocking sets pw.mr, which the schema gives to panels", "message")
  ok, err = pcall(plan.fill, st, "spatial", "tiles", { nonsense = 1 })
  H.ok(not ok, "undeclared field: error")
  H.contains(err, "spatial.nonsense", "message")
end

return T
