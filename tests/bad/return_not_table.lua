-- expect: table
-- the file returns a string, not a table
return "mbv1"
