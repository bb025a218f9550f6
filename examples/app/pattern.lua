-- pattern.lua - writes a test image as a binary PPM (P6): a 256x192 scene of
-- colour gradients with a disc and a bar, so `make demo` runs without a
-- photograph.  Same bytes from every Lua.
--
--   lua examples/app/pattern.lua OUT.ppm
local path = arg[1] or "pattern.ppm"
local W, H = 256, 192
local rows = { string.format("P6\n%d %d\n255\n", W, H) }
for y = 0, H - 1 do
  local px = {}
  for x = 0, W - 1 do
    local r, g, b = x % 256, math.floor(255 * y / (H - 1)), 128
    local dx, dy = x - 170, y - 90
    if dx * dx + dy * dy < 45 * 45 then r, g, b = 230, 200, 40 end
    if x >= 40 and x < 80 and y >= 30 and y < 170 then r, g, b = 30, 60, 200 end
    px[#px + 1] = string.char(r, g, b)
  end
  rows[#rows + 1] = table.concat(px)
end
local f = assert(io.open(path, "wb"))
f:write(table.concat(rows))
f:close()
