-- wrk script used by bench/run.py for every scenario with a single request.
--
-- The request itself comes from environment variables set by run.py, so one script serves
-- every scenario (headers are passed as wrk -H flags instead):
--   WRK_METHOD  e.g. POST (default GET)
--   WRK_BODY    request body, sent verbatim
-- done() (the JSON summary run.py parses) is in wrk_common.lua.

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "wrk_common.lua")

local method = os.getenv("WRK_METHOD")
if method ~= nil and method ~= "" then
  wrk.method = method
end

local body = os.getenv("WRK_BODY")
if body ~= nil and body ~= "" then
  wrk.body = body
end
