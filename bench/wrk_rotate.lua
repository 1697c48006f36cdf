-- wrk script used by bench/run.py for scenarios with a request list (Scenario.rotate).
--
-- WRK_REQUESTS names a file written by run.py (format: load_requests in wrk_common.lua). Each
-- connection sends the requests one after the other, every thread starting at a different place
-- in the list, so e.g. every ticket-create request carries another JSON body and every look-up
-- asks for another ticket. Headers come from wrk's -H flags. done() is in wrk_common.lua.

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "wrk_common.lua")

function init(args)
  load_requests(os.getenv("WRK_REQUESTS"), false)
end

function request()
  return take()
end
