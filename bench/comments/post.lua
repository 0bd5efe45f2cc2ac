-- Appended to a generated `sessions` table of {token, csrf} pairs: each
-- request posts a comment as the next client in turn.
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  n = n + 1
  local s = sessions[(n % #sessions) + 1]
  local body = string.format('{"body":"Bench comment %d: a sentence of ordinary length, no links."}', n)
  return wrk.format("POST", nil, {["Cookie"] = "nd_session=" .. s[1], ["X-CSRF-Token"] = s[2],
                                  ["Content-Type"] = "application/json"}, body)
end
