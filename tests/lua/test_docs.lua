-- test_docs.lua - what README.md and docs/*.md quote from the generated
-- code stays true: a fenced block after `<!-- quoted: PATH -->` must be a
-- run of consecutive lines of PATH (a golden file, so a change of the
-- generated code that makes a quote stale fails here until the quote is
-- refreshed), and the table row after `<!-- line counts: ... -->` must give
-- the line counts of the golden MobileNet v1 files.
local H = require("harness")

local T = {}

local DOCS = { "README.md", "docs/design.md", "docs/performance.md" }

local read, lines_of = H.read, H.lines

-- true when `block` (a list of lines) occurs as consecutive lines of `file`
local function contains_run(file, block)
  for i = 1, #file - #block + 1 do
    local ok = true
    for k = 1, #block do
      if file[i + k - 1] ~= block[k] then ok = false; break end
    end
    if ok then return true end
  end
  return false
end

-- "12345" -> "12,345" (how the README writes counts)
local function thousands(n)
  local s = string.format("%d", n)
  return (s:reverse():gsub("(%d%d%d)", "%1,"):reverse():gsub("^,", ""))
end

function T.quoted_blocks_match_the_golden_files()
  local n = 0
  for _, doc in ipairs(DOCS) do
    local text = read(doc)
    H.ok(text, doc .. " exists")
    do
      local ls = lines_of(text)
      for i, l in ipairs(ls) do
        local path = l:match("^%s*<!%-%- quoted: (%S+) %-%->$")
        if path then
          local src = read(path)
          H.ok(src, doc .. ":" .. i .. ": " .. path .. " exists")
          H.ok(ls[i + 1] and ls[i + 1]:match("^%s*```"), doc .. ":" .. i .. ": a fenced block follows")
          local block = {}
          local k = i + 2
          while ls[k] and not ls[k]:match("^%s*```") do block[#block + 1] = ls[k]; k = k + 1 end
          H.ok(#block > 0 and contains_run(lines_of(src), block),
            doc .. ":" .. (i + 2) .. ": the quoted block is not (any more) in " .. path ..
            " (regenerated code changed? refresh the quote)")
          n = n + 1
        end
      end
    end
  end
  H.ok(n >= 2, "quoted blocks found: " .. n)
end

function T.line_counts_match_the_golden_files()
  local text = assert(read("README.md"))
  local ls = lines_of(text)
  local found = false
  for i, l in ipairs(ls) do
    if l:match("<!%-%- line counts: ") then
      found = true
      local row = ls[i + 3] or ""
      local cells = {}
      for c in row:gmatch("|%s*([%d,]+)%s*") do cells[#cells + 1] = c end
      for j, t in ipairs({ "scalar", "avx2", "avx512", "neon" }) do
        local src = assert(read("tests/golden/" .. t .. "/mobilenet_v1/mbv1.c"))
        H.eq(cells[j], thousands(#lines_of(src)), "README.md:" .. (i + 3) .. ": lines of mbv1.c, " .. t)
      end
    end
  end
  H.ok(found, "README.md has the line-count table")
end

return T
