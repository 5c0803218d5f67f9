-- Pre-signed call_ended events, one per line: SIGNATURE <tab> BODY (BENCH_EVENTS).
-- Each thread takes every BENCH_THREADS-th event from its own offset, so no event is sent
-- twice until the file is used up.

local count = 0

function setup(thread)
  thread:set("tid", count)
  count = count + 1
end

function init(args)
  sigs = {}
  bodies = {}
  for line in io.lines(os.getenv("BENCH_EVENTS")) do
    local sig, body = line:match("^([^\t]*)\t(.*)$")
    sigs[#sigs + 1] = sig
    bodies[#bodies + 1] = body
  end
  nthreads = tonumber(os.getenv("BENCH_THREADS"))
  sent = 0
end

function request()
  local i = (tid + sent * nthreads) % #bodies + 1
  sent = sent + 1
  return wrk.format("POST", "/webhooks/sim",
                    { ["Content-Type"] = "application/json", ["x-retell-signature"] = sigs[i] },
                    bodies[i])
end
