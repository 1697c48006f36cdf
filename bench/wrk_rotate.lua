-- wrk script used by bench/run.py for scenarios with a request list (Scenario.rotate).
--
-- WRK_REQUESTS names a file written by run.py: one request per line, "METHOD<TAB>PATH<TAB>BODY"
-- (the body may be empty). Each connection sends them one after the other, every thread starting
-- at a different place in the list, so e.g. every ticket-create request carries another JSON
-- body and every look-up asks for another ticket. Headers come from wrk's -H flags.
-- done() is identical to wrk_report.lua's, so run.py parses both the same way.

local requests = {}
local next_index = 1
local threads = 0

function setup(thread)
  thread:set("thread_number", threads)
  threads = threads + 1
end

function init(args)
  local path = os.getenv("WRK_REQUESTS")
  for line in io.lines(path) do
    local method, target, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
    if method ~= nil then
      if body == "" then body = nil end
      requests[#requests + 1] = wrk.format(method, target, nil, body)
    end
  end
  if #requests == 0 then
    error("no request in " .. tostring(path))
  end
  -- thread_number is set by setup(); spread the threads over the list.
  next_index = ((thread_number or 0) * 7919) % #requests + 1
end

function request()
  local r = requests[next_index]
  next_index = next_index % #requests + 1
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
end
