-- wrk script used by bench/run.py for every scenario.
--
-- wrk's own --latency report prints the 50/75/90/99 percentiles only; the harness wants p95 too
-- and machine-readable error counts, so done() prints one JSON line prefixed with "WRK_JSON ".
-- Latencies are in microseconds, durations as wrk measured them (microseconds).
--
-- The request itself comes from environment variables set by run.py, so one script serves
-- every scenario (headers are passed as wrk -H flags instead):
--   WRK_METHOD  e.g. POST (default GET)
--   WRK_BODY    request body, sent verbatim

local method = os.getenv("WRK_METHOD")
if method ~= nil and method ~= "" then
  wrk.method = method
end

local body = os.getenv("WRK_BODY")
if body ~= nil and body ~= "" then
  wrk.body = body
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
