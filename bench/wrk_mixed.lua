-- wrk script used by bench/run.py for the mixed workload (Scenario.submits).
--
-- WRK_REQUESTS names the request list (format: load_requests in wrk_common.lua), already mixed in
-- the workload's proportions (bench/mixed.py); each thread goes through it from its own place.
-- GET requests carry no extra header. POST requests (ticket submissions) carry wrk's -H headers
-- (bearer token, JSON) and their body's "{{MARK}}" becomes a marker unique to this wrk run
-- (WRK_RUN), thread and submission: "mix-<run>-<thread>-<n>".
--
-- response() keeps the reference of every 201 answer and counts the answers of 400 and above by
-- status; done() (wrk_common.lua) prints the usual WRK_JSON line, then report_extra() one line
-- "WRK_MIX {"posts":N,"refs":[...],"codes":{...}}" gathered from every thread, which run.py
-- checks against the database.

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "wrk_common.lua")

local run = os.getenv("WRK_RUN") or "run"
local post_headers = {}
local sequence = 0

-- Globals: done() reads them from each thread with thread:get().
posts = 0
refs = {}
codes = {}

function init(args)
  load_requests(os.getenv("WRK_REQUESTS"), true)
  for name, value in pairs(wrk.headers) do
    post_headers[name] = value
  end
end

function request()
  local r = take()
  if type(r) == "string" then
    return r
  end
  sequence = sequence + 1
  posts = posts + 1
  local marker = string.format("mix-%s-%d-%d", run, thread_number or 0, sequence)
  local body = r.body:gsub("{{MARK}}", marker)
  local headers = {}
  for name, value in pairs(post_headers) do
    headers[name] = value
  end
  return wrk.format("POST", r.path, headers, body)
end

function response(status, headers, body)
  if status == 201 then
    local ref = body:match('"reference"%s*:%s*"([^"]+)"')
    if ref ~= nil then
      refs[#refs + 1] = ref
      return
    end
  end
  if status >= 400 or status == 201 then
    local key = status == 201 and "201 without reference" or tostring(status)
    codes[key] = (codes[key] or 0) + 1
  end
end

function report_extra(threads)
  local all_refs, all_codes, all_posts = {}, {}, 0
  for _, thread in ipairs(threads) do
    all_posts = all_posts + (thread:get("posts") or 0)
    for _, ref in ipairs(thread:get("refs") or {}) do
      all_refs[#all_refs + 1] = '"' .. ref .. '"'
    end
    for key, n in pairs(thread:get("codes") or {}) do
      all_codes[key] = (all_codes[key] or 0) + n
    end
  end
  local parts = {}
  for key, n in pairs(all_codes) do
    parts[#parts + 1] = string.format('"%s":%.0f', key, n)
  end
  io.write(string.format('WRK_MIX {"posts":%.0f,"refs":[%s],"codes":{%s}}\n',
    all_posts, table.concat(all_refs, ","), table.concat(parts, ",")))
end
