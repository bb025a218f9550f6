-- test_deconv.lua - dwdeconv (adjoint) sizes of gen/geom.lua, README dwdeconv and
-- the `out` row of the section 2 table: a dwdeconv on an n-row input with
-- output o is the transpose of the dwconv (same k, s, d, padding rule) that
-- maps o rows to n rows.  Default o: "same" -> n*s, otherwise
-- (n-1)*s + (k-1)*d + 1 - pb - pa.
local H = require("harness")
local geom = require("geom")

local T = {}

local function ceil_div(a, b) return H.ceil_div(a, b) end
local function conv_out(n, k, s, d, b, a)           -- README dwconv, written out again
  return math.floor((n + b + a - (k - 1) * d - 1) / s) + 1
end

function T.same_default_is_n_times_s()
  for n = 1, 20 do
    for s = 1, 4 do
      for k = 1, 6 do
        for d = 1, 2 do
          local o, b, a, ok = geom.deconv_axis(n, k, s, d, "same", nil)
          local function what()
            return "deconv_axis(n=" .. n .. ", k=" .. k .. ", s=" .. s .. ", d=" .. d .. ", same)"
          end
          if o ~= n * s then H.eq(o, n * s, what) end
          if ok ~= true then H.eq(ok, true, what) end
          -- the pads are those of the forward SAME conv on o rows
          local fo, fb, fa = geom.same(o, k, s, d)
          if fb ~= b or fa ~= a then H.eq({ b, a }, { fb, fa }, what) end
          if fo ~= n then H.eq(fo, n, what) end
        end
      end
    end
  end
end

function T.same_explicit_out_ok_iff_ceil_matches()
  for n = 1, 12 do
    for s = 1, 4 do
      for k = 1, 5 do
        for o = 1, 60 do
          local ro, b, a, ok = geom.deconv_axis(n, k, s, 1, "same", o)
          local want = ceil_div(o, s) == n
          local function what()
            return "deconv_axis(n=" .. n .. ", k=" .. k .. ", s=" .. s .. ", same, out=" .. o .. ")"
          end
          if ro ~= o then H.eq(ro, o, what) end
          if ok ~= want then H.eq(ok, want, what) end
          local _, fb, fa = geom.same(o, k, s, 1)
          if fb ~= b or fa ~= a then H.eq({ b, a }, { fb, fa }, what) end
        end
      end
    end
  end
end

function T.same_examples()
  -- 7 rows, stride 2: out 13 and 14 give ceil(out/2) = 7; 12 and 15 do not
  H.eq(select(4, geom.deconv_axis(7, 3, 2, 1, "same", 13)), true, "same 7, s2, out 13")
  H.eq(select(4, geom.deconv_axis(7, 3, 2, 1, "same", 14)), true, "same 7, s2, out 14")
  H.eq(select(4, geom.deconv_axis(7, 3, 2, 1, "same", 12)), false, "same 7, s2, out 12")
  H.eq(select(4, geom.deconv_axis(7, 3, 2, 1, "same", 15)), false, "same 7, s2, out 15")
  -- pads of the default: SAME of a 14-row image with 3x3 stride 2 is 0, 1
  H.eq({ geom.deconv_axis(7, 3, 2, 1, "same") }, { 14, 0, 1, true }, "same 7, s2 default")
  H.eq({ geom.deconv_axis(4, 5, 1, 1, "same") }, { 4, 2, 2, true }, "same 4, k5 s1 default")
end

function T.valid_default_formula()
  -- {n, k, s, d, out}
  local cases = {
    { 7, 3, 2, 1, 15 }, { 1, 3, 1, 1, 3 }, { 4, 3, 2, 1, 9 }, { 4, 4, 2, 1, 10 },
    { 5, 3, 1, 2, 9 }, { 3, 3, 3, 2, 11 }, { 1, 1, 1, 1, 1 }, { 6, 1, 2, 1, 11 },
  }
  for _, c in ipairs(cases) do
    H.eq({ geom.deconv_axis(c[1], c[2], c[3], c[4], "valid") }, { c[5], 0, 0, true },
      "deconv_axis(n=" .. c[1] .. ", k=" .. c[2] .. ", s=" .. c[3] .. ", d=" .. c[4] .. ", valid)")
  end
end

function T.explicit_pad_default_formula()
  for n = 1, 10 do
    for s = 1, 3 do
      for k = 1, 5 do
        for d = 1, 2 do
          for pb = 0, (k - 1) * d do
            for pa = 0, (k - 1) * d do
              local want = (n - 1) * s + (k - 1) * d + 1 - pb - pa
              local o, b, a, ok = geom.deconv_axis(n, k, s, d, { pb, pa }, nil)
              local function what()
                return "deconv_axis(n=" .. n .. ", k=" .. k .. ", s=" .. s .. ", d=" .. d ..
                       ", pads " .. pb .. "," .. pa .. ")"
              end
              if o ~= want or b ~= pb or a ~= pa then H.eq({ o, b, a }, { want, pb, pa }, what) end
              -- the default lands on n whenever it is a real size
              if ok ~= (want >= 1) then H.eq(ok, want >= 1, what) end
            end
          end
        end
      end
    end
  end
end

function T.explicit_pad_default_below_one_rejected()
  -- 1 row, 3x3, pads 2 and 2: (0) + 2 + 1 - 4 = -1 rows
  local o, _, _, ok = geom.deconv_axis(1, 3, 1, 1, { 2, 2 }, nil)
  H.eq(o, -1, "out")
  H.eq(ok, false, "ok")
  local o2, _, _, ok2 = geom.deconv_axis(1, 3, 2, 1, { 1, 2 }, nil)
  H.eq({ o2, ok2 }, { 0, false }, "1 row, k3 s2, pads 1,2")
end

function T.valid_explicit_out_extra_rows()
  -- valid 3x3 stride 2 on 7 rows: floor((o-3)/2)+1 == 7 for o = 15, 16 only
  local function ok(o) return select(4, geom.deconv_axis(7, 3, 2, 1, "valid", o)) end
  H.eq(ok(15), true, "out 15")
  H.eq(ok(16), true, "out 16 (one unread row)")
  H.eq(ok(14), false, "out 14")
  H.eq(ok(17), false, "out 17")
  H.eq(ok(1), false, "out 1")
  H.eq({ geom.deconv_axis(7, 3, 2, 1, "valid", 16) }, { 16, 0, 0, true }, "full result for out 16")
  -- stride 3: three accepted sizes
  local function ok3(o) return select(4, geom.deconv_axis(4, 2, 3, 1, "valid", o)) end
  H.eq({ ok3(10), ok3(11), ok3(12), ok3(13), ok3(14) }, { false, true, true, true, false }, "n4 k2 s3 valid")
end

function T.explicit_out_ok_iff_forward_lands()
  for n = 1, 8 do
    for s = 1, 3 do
      for k = 1, 4 do
        for d = 1, 2 do
          local pads = { "valid", { 0, 0 }, { (k - 1) * d, 0 }, { 0, (k - 1) * d }, { 1, 1 } }
          for _, pad in ipairs(pads) do
            local pb, pa = 0, 0
            if type(pad) == "table" then pb, pa = pad[1], pad[2] end
            if pb <= (k - 1) * d and pa <= (k - 1) * d then
              for o = 1, 40 do
                local ro, b, a, ok = geom.deconv_axis(n, k, s, d, pad, o)
                local want = conv_out(o, k, s, d, pb, pa) == n
                if ro ~= o or b ~= pb or a ~= pa or ok ~= want then
                  H.eq({ ro, b, a, ok }, { o, pb, pa, want }, "deconv_axis(n=" .. n .. ", k=" .. k ..
                    ", s=" .. s .. ", d=" .. d .. ", pad " .. H.repr(pad) .. ", out=" .. o .. ")")
                end
              end
            end
          end
        end
      end
    end
  end
end

return T
