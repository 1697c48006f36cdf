-- Shared by the wrk scripts of bench/run.py (wrk_report.lua, wrk_rotate.lua, wrk_mixed.lua).
--
-- Each script loads it with dofile() from its own folder (the path comes from debug.getinfo, so
-- it works whatever wrk's working directory is). It defines:
--   setup()        numbers the threads (thread_number, from 0) and keeps them for done();
--   load_requests  reads a request list written by run.py, one request per line,
--                  "METHOD<TAB>PATH<TAB>BODY[<TAB>COOKIE]" (the body may be empty; the cookie,
--                  e.g. a requester's grant to a thread, is sent with that request only),
--                  formatted for wrk, and places this thread's cursor in it (every thread
--                  starts somewhere else);
--   take()         returns the request under the cursor and moves it on (wrapping around);
--   done()         prints one JSON line prefixed with "WRK_JSON " (wrk's own --latency report has
--                  no p95 and no machine-readable error counts), which run.py parses; then calls
--                  report_extra(threads) when the script defines it.
-- Latencies are in microseconds, durations as wrk measured them (microseconds).

local threads = {}

function setup(thread)
  thread:set("thread_number", #threads)
  threads[#threads + 1] = thread
end

local list = {}
local cursor = 1

local function with_cookie(base, cookie)
  local headers = {}
  for name, value in pairs(base) do
    headers[name] = value
  end
  headers["Cookie"] = cookie
  return headers
end

-- mixed = false: every request with wrk's -H headers. mixed = true (wrk_mixed.lua): GET requests
-- without them, POST requests kept as {path = ..., body = ...} for request() to complete.
function load_requests(path, mixed)
  for line in io.lines(path) do
    local method, target, body, cookie = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t?(.*)$")
    if method ~= nil then
      if body == "" then body = nil end
      if not mixed then
        local headers = nil
        if cookie ~= "" then headers = with_cookie(wrk.headers, cookie) end
        list[#list + 1] = wrk.format(method, target, headers, body)
      elseif method == "POST" then
        list[#list + 1] = { path = target, body = body }
      else
        local headers = {}
        if cookie ~= "" then headers["Cookie"] = cookie end
        list[#list + 1] = wrk.format(method, target, headers, body)
      end
    end
  end
  if #list == 0 then
    error("no request in " .. tostring(path))
  end
  -- thread_number is set by setup(); spread the threads over the list.
  cursor = ((thread_number or 0) * 7919) % #list + 1
end

function take()
  local r = list[cursor]
  cursor = cursor % #list + 1
  return r
end

function done(summary, latency, requests)
  local e = summary.errors
  -- %.0f rather than %d: LuaJIT hands these over as doubles.
  io.write(string.format(
    'WRK_JSON {"requests":%.0f,"duration_us":%.0f,"bytes":%.0f,'
      .. '"latency_us":{"p50":%.0f,"p95":%.0f,"p99":%.0f,"mean":%.1f,"max":%.0f},'
      .. '"errors":{"connect":%.0f,"read":%.0f,"write":%.0f,"timeout":%.0f,"status":%.0f}}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean, latency.max,
    e.connect, e.read, e.write, e.timeout, e.status
  ))
  if report_extra ~= nil then
    report_extra(threads)
  end
end
