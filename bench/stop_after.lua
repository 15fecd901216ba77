-- wrk script: stop after a fixed number of responses (used for the worker memory check).
-- Usage: wrk -t1 -s bench/stop_after.lua URL -- 20000
local limit = 20000
local count = 0

function init(args)
  if args[1] then limit = tonumber(args[1]) end
end

function response(status, headers, body)
  count = count + 1
  if count >= limit then wrk.thread:stop() end
end

function done(summary, latency, requests)
  io.write(string.format("Completed: %d requests, %d errors\n", summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status
    + summary.errors.timeout))
end
