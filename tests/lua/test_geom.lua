-- test_geom.lua - padding arithmetic of gen/geom.lua against README dwconv:
-- TensorFlow SAME (OH = ceil(H/s), P = max(0, (OH-1)s + (k-1)d + 1 - H),
-- pt = floor(P/2), pb = P - pt), VALID and explicit padding
-- (OH = floor((H + pt + pb - (k-1)d - 1)/s) + 1).
local H = require("harness")
local geom = require("geom")

local T = {}

local function same3(n, k, s, d) return { geom.same(n, k, s, d) } end

-- Hand-computed SAME splits: {n, k, s, d, out, before, after}.
local SAME_CASES = {
  { 5, 3, 2, 1, 3, 1, 1 },
  { 6, 3, 2, 1, 3, 0, 1 },     -- odd P: the extra row goes to the bottom
  { 7, 3, 2, 1, 4, 1, 1 },
  { 112, 3, 2, 1, 56, 0, 1 },
  { 112, 3, 1, 1, 112, 1, 1 },
  { 224, 7, 2, 1, 112, 2, 3 },
  { 8, 5, 1, 1, 8, 2, 2 },
  { 8, 4, 1, 1, 8, 1, 2 },     -- even kernel: P = 3
  { 9, 5, 3, 1, 3, 1, 1 },     -- (3-1)*3 + 5 - 9 = 2
  { 10, 3, 1, 2, 10, 2, 2 },   -- dilation 2: effective kernel 5
  { 10, 3, 2, 2, 5, 1, 2 },    -- 4*2 + 4 + 1 - 10 = 3
  { 7, 3, 1, 3, 7, 3, 3 },     -- effective kernel 7
  { 1, 3, 1, 1, 1, 1, 1 },
  { 2, 5, 1, 1, 2, 2, 2 },     -- kernel larger than the image
  { 2, 7, 1, 1, 2, 3, 3 },
  { 3, 7, 2, 1, 2, 3, 3 },
  { 1, 5, 1, 3, 1, 6, 6 },     -- effective kernel 13 on one pixel
  { 4, 15, 8, 1, 1, 5, 6 },    -- stride beyond the image: 0 + 14 + 1 - 4 = 11
  { 16, 2, 2, 1, 8, 0, 0 },    -- k == s: no padding
  { 17, 2, 2, 1, 9, 0, 1 },
}

function T.same_hand_computed()
  for _, c in ipairs(SAME_CASES) do
    local n, k, s, d = c[1], c[2], c[3], c[4]
    H.eq(same3(n, k, s, d), { c[5], c[6], c[7] },
      "same(n=" .. n .. ", k=" .. k .. ", s=" .. s .. ", d=" .. d .. ") -> out, before, after")
  end
end

function T.same_k1_never_pads()
  for n = 1, 50 do
    for s = 1, 8 do
      local o, b, a = geom.same(n, 1, s, 1)
      H.eq({ o, b, a }, { H.ceil_div(n, s), 0, 0 }, "same(" .. n .. ", k=1, s=" .. s .. ")")
    end
  end
end

-- The SAME rule for every n in 1..40, s in 1..4, k in 1..7, d in 1..3,
-- cross-checked with conv_out on the returned pads.
function T.same_rule_exhaustive()
  for n = 1, 40 do
    for s = 1, 4 do
      for k = 1, 7 do
        for d = 1, 3 do
          local o, b, a = geom.same(n, k, s, d)
          local function what()
            return "same(n=" .. n .. ", k=" .. k .. ", s=" .. s .. ", d=" .. d .. ") = " ..
                   H.repr({ o, b, a })
          end
          local want_o = math.ceil(n / s)
          if o ~= want_o then H.eq(o, want_o, what) end
          local P = (want_o - 1) * s + (k - 1) * d + 1 - n
          if P < 0 then P = 0 end
          if b < 0 or a < 0 then H.fail(what() .. ": negative padding") end
          if b + a ~= P then H.eq(b + a, P, what) end
          if b ~= math.floor(P / 2) then H.eq(b, math.floor(P / 2), what) end
          if a - b ~= 0 and a - b ~= 1 then H.fail(what() .. ": after - before must be 0 or 1") end
          -- SAME pads stay within the allowed explicit range 0..(k-1)d
          if a > (k - 1) * d then H.fail(what() .. ": pad beyond (k-1)*d") end
          local co = geom.conv_out(n, k, s, d, b, a)
          if co ~= want_o then H.eq(co, want_o, function() return what() .. ": conv_out with these pads" end) end
          local ao, ab, aa = geom.conv_axis(n, k, s, d, "same")
          if ao ~= o or ab ~= b or aa ~= a then
            H.eq({ ao, ab, aa }, { o, b, a }, function() return what() .. ": conv_axis(\"same\")" end)
          end
        end
      end
    end
  end
end

function T.valid_hand_computed()
  -- {n, k, s, d, out}
  local cases = {
    { 5, 3, 1, 1, 3 }, { 5, 3, 2, 1, 2 }, { 6, 3, 2, 1, 2 }, { 7, 3, 2, 1, 3 },
    { 112, 3, 2, 1, 55 }, { 10, 3, 1, 2, 6 }, { 10, 3, 3, 2, 2 }, { 3, 3, 1, 1, 1 },
    { 3, 3, 5, 1, 1 }, { 1, 1, 1, 1, 1 },
  }
  for _, c in ipairs(cases) do
    H.eq({ geom.conv_axis(c[1], c[2], c[3], c[4], "valid") }, { c[5], 0, 0 },
      "conv_axis(n=" .. c[1] .. ", k=" .. c[2] .. ", s=" .. c[3] .. ", d=" .. c[4] .. ", \"valid\")")
  end
end

function T.valid_kernel_does_not_fit()
  -- {n, k, s, d}: (k-1)d + 1 > n, so no output position exists
  local cases = { { 2, 5, 1, 1 }, { 2, 5, 2, 1 }, { 4, 3, 1, 2 }, { 1, 2, 1, 1 }, { 6, 7, 3, 1 },
                  { 10, 4, 1, 4 } }
  for _, c in ipairs(cases) do
    local o = geom.conv_axis(c[1], c[2], c[3], c[4], "valid")
    H.ok(o < 1, "conv_axis(n=" .. c[1] .. ", k=" .. c[2] .. ", s=" .. c[3] .. ", d=" .. c[4] ..
      ", \"valid\") = " .. tostring(o) .. " must be < 1")
  end
end

function T.valid_and_explicit_formula_exhaustive()
  for n = 1, 30 do
    for s = 1, 4 do
      for k = 1, 6 do
        for d = 1, 3 do
          local want = math.floor((n - (k - 1) * d - 1) / s) + 1
          local o, b, a = geom.conv_axis(n, k, s, d, "valid")
          if o ~= want or b ~= 0 or a ~= 0 then
            H.eq({ o, b, a }, { want, 0, 0 }, "valid n=" .. n .. " k=" .. k .. " s=" .. s .. " d=" .. d)
          end
          if (want >= 1) ~= ((k - 1) * d + 1 <= n) then
            H.fail("valid n=" .. n .. " k=" .. k .. ": out " .. want .. " vs kernel fit")
          end
          for pb = 0, (k - 1) * d, 2 do
            for pa = 0, (k - 1) * d, 3 do
              local w2 = math.floor((n + pb + pa - (k - 1) * d - 1) / s) + 1
              local eo, eb, ea = geom.conv_axis(n, k, s, d, { pb, pa })
              if eo ~= w2 or eb ~= pb or ea ~= pa then
                H.eq({ eo, eb, ea }, { w2, pb, pa }, "explicit n=" .. n .. " k=" .. k .. " s=" .. s ..
                  " d=" .. d .. " pads " .. pb .. "," .. pa)
              end
              local co = geom.conv_out(n, k, s, d, pb, pa)
              if co ~= w2 then H.eq(co, w2, "conv_out n=" .. n .. " k=" .. k .. " pads " .. pb .. "," .. pa) end
            end
          end
        end
      end
    end
  end
end

-- conv_out is also the number of window positions that start inside the
-- padded image: count them directly.
function T.conv_out_counts_positions()
  for n = 1, 12 do
    for k = 1, 5 do
      for s = 1, 3 do
        for d = 1, 2 do
          for pb = 0, 3 do
            for pa = 0, 3 do
              local count = 0
              local y = 0
              while y * s + (k - 1) * d <= n + pb + pa - 1 do
                count = count + 1
                y = y + 1
              end
              local co = geom.conv_out(n, k, s, d, pb, pa)
              if count > 0 and co ~= count then
                H.eq(co, count, "conv_out(" .. n .. "," .. k .. "," .. s .. "," .. d .. "," .. pb .. "," .. pa .. ")")
              end
              if count == 0 and co >= 1 then
                H.fail("conv_out(" .. n .. "," .. k .. "," .. s .. "," .. d .. "," .. pb .. "," .. pa ..
                       ") = " .. co .. " but the kernel fits nowhere")
              end
            end
          end
        end
      end
    end
  end
end

return T
