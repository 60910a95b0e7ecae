-- wrk script of the webhook benchmark: POSTs one TokenReview per request with the next token of a file (one token
-- a line). "unique": every token at most once; should a run outlast the file, it wraps and counts the reuses, which
-- the benchmark refuses. "repeated": the tokens cycle. Every answer that is not 200 with "authenticated":true counts
-- as rejected. done() prints one JSON line: requests, duration, errors, rejected, reused and latency percentiles (µs).
-- Usage: wrk -t1 -c N -d Ss -s review.lua URL -- TOKENS_FILE unique|repeated
local tokens, count, i, cycle = {}, 0, 0, false
-- globals, so that done() can read them with thread:get()
reused, rejected = 0, 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    count = count + 1
    tokens[count] = line
  end
  cycle = args[2] == "repeated"
end

function request()
  i = i + 1
  if i > count then
    i = 1
    if not cycle then reused = reused + count end
  end
  return wrk.format("POST", "/authenticate", { ["Content-Type"] = "application/json" },
    '{"apiVersion":"authentication.k8s.io/v1beta1","kind":"TokenReview","spec":{"token":"' .. tokens[i] .. '"}}')
end

function response(status, headers, body)
  if status ~= 200 or not string.find(body, '"authenticated":true', 1, true) then
    rejected = rejected + 1
  end
end

function done(summary, latency, requests)
  local t = threads[1]
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"durationUs":%d,"errors":%d,"rejected":%d,"reused":%d,"p50Us":%d,"p99Us":%d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    t:get("rejected"), t:get("reused"), latency:percentile(50), latency:percentile(99)))
end
