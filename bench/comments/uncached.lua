-- A guest asking for the page with a query string no one asked for before:
-- a page-cache miss every time (the page is rendered, then kept).
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", wrk.path .. "?bench=" .. n)
end
