-- test_cindent.lua - gen/cindent.lua: generated C indented once, by brace
-- depth, whatever the indentation the templates gave it.
local H = require("harness")
local cindent = require("cindent")

local T = {}

local function I(lines) return cindent.indent(table.concat(lines, "\n") .. "\n") end

function T.braces_nest()
  H.eq(I({ "void f(void)", "{", "int a;", "        for (;;) {", "a++;", "}", "}" }),
    "void f(void)\n{\n    int a;\n    for (;;) {\n        a++;\n    }\n}\n", "nesting")
  H.eq(I({ "{", "{   /* tap 0,0 */", "x;", "}", "}" }), "{\n    {   /* tap 0,0 */\n        x;\n    }\n}\n",
    "a block with a comment after its brace")
  H.eq(I({ "static const int S[2] = {", "1, 2,", "};" }), "static const int S[2] = {\n    1, 2,\n};\n",
    "an initializer")
end

function T.braceless_bodies_go_one_deeper()
  H.eq(I({ "{", "for (int y = 0; y < 2; ++y)", "for (int j = 0; j < 3; ++j)", "s[j] = 0;", "done();", "}" }),
    "{\n    for (int y = 0; y < 2; ++y)\n        for (int j = 0; j < 3; ++j)\n            s[j] = 0;\n    done();\n}\n",
    "nested for bodies")
  H.eq(I({ "{", "if (a < b)", "f();", "g();", "}" }), "{\n    if (a < b)\n        f();\n    g();\n}\n", "if")
  H.eq(I({ "{", "for (int j = 0; j < 3; ++j) s[j] = 0;", "g();", "}" }),
    "{\n    for (int j = 0; j < 3; ++j) s[j] = 0;\n    g();\n}\n", "a body on the same line")
end

function T.strings_and_comments_do_not_count()
  H.eq(I({ "{", "puts(\"{ not a brace\");", "c = '}';", "/* { */ x; // }", "}" }),
    "{\n    puts(\"{ not a brace\");\n    c = '}';\n    /* { */ x; // }\n}\n", "literals and comments")
end

function T.comment_blocks_keep_their_shape()
  -- continuation lines keep their indentation relative to the opening line
  H.eq(I({ "{", "        /* slot s holds", "           channel k */", "x;", "}" }),
    "{\n    /* slot s holds\n       channel k */\n    x;\n}\n", "inside a function")
  H.eq(I({ "/* ---- layer 1", " * input 8x8", " *", " */", "int a;" }),
    "/* ---- layer 1\n * input 8x8\n *\n */\nint a;\n", "a layer comment block")
end

function T.preprocessor_and_blank_lines()
  H.eq(I({ "{", "#if X", "    ", "a;", "#endif", "}" }), "{\n#if X\n\n    a;\n#endif\n}\n",
    "cpp at column 0, blank empty")
end

function T.idempotent_and_newline_kept()
  local once = I({ "void f(void)", "{", "if (x)", "y();", "}" })
  H.eq(cindent.indent(once), once, "indenting indented code changes nothing")
  H.eq(cindent.indent("a;"), "a;", "no final newline added")
end

return T
