-- wrk script: POSTs the GraphQL request body in $GRAPHQL_BODY and counts answers
-- that are not 200 or carry errors, so a fast stream of refusals cannot pass for
-- throughput.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = os.getenv("GRAPHQL_BODY")

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  failures = 0
end

function response(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then
    failures = failures + 1
  end
end

function done(summary, latency, requests)
  local failed = 0
  for _, t in ipairs(threads) do
    failed = failed + t:get("failures")
  end
  io.write(string.format("GXRESULT rps=%.1f p50_ms=%.3f p99_ms=%.3f requests=%d failures=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.requests, failed))
end
