-- Durable ingest as a user measures it: wrk sending 100 track events per request as NDJSON to
-- /v1/batch, every event with a messageId of its own (run, thread, counter), over 10,000 users
-- and 2,000 accounts. Set the write key's Basic credentials in AUTH:
--   AUTH=$(printf '%s:' "$WRITE_KEY" | base64 -w0) wrk -t2 -c16 -d20s --latency -s outside-check.lua http://127.0.0.1:8080
local auth = os.getenv("AUTH")
local counter = 0
local run = os.time()
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function request()
  local lines = {}
  local now = os.date("!%Y-%m-%dT%H:%M:%SZ")
  for i = 1, 100 do
    counter = counter + 1
    lines[i] = string.format(
      '{"type":"track","event":"Clicked %d","userId":"u%d","groupId":"a%d","messageId":"oc-%d-%d-%d","timestamp":"%s","properties":{"module":"M%d"}}',
      counter % 20, counter % 10000, counter % 2000, run, tid, counter, now, counter % 7)
  end
  return wrk.format("POST", "/v1/batch", {["Authorization"] = "Basic " .. auth, ["Content-Type"] = "application/x-ndjson"},
    table.concat(lines, "\n"))
end
