-- wrk script: POST predict requests of BATCH test images (default 1) with KEY (default demo-client-1);
-- KEYS=a,b,c gives wrk's threads those keys in turn (one client per thread, e.g. spread over silos).
-- Bodies are prepared by make-bodies.py into benchmarks/Http/bodies/; each request takes the next one.
-- ACCEPT=429,503 lets those statuses through (counted, not fatal) for floods that are meant to be refused;
-- DELAY_MS=n makes each connection wait n ms between requests (an offered rate below capacity, for soaks).
local batch = os.getenv("BATCH") or "1"
key = os.getenv("KEY") or "demo-client-1"
local keys = {}
for k in string.gmatch(os.getenv("KEYS") or "", "[^,]+") do keys[#keys + 1] = k end
local threads = 0

function setup(thread)
  if #keys > 0 then
    thread:set("key", keys[(threads % #keys) + 1])
    threads = threads + 1
  end
end
local folder = os.getenv("BODIES") or "benchmarks/Http/bodies"
local bodies = {}

function init(args)
  for i = 0, 15 do
    local f = io.open(string.format("%s/batch%s-%d.json", folder, batch, i), "r")
    if f then
      bodies[#bodies + 1] = f:read("*a")
      f:close()
    end
  end
  if #bodies == 0 then
    error("no bodies in " .. folder .. ": run benchmarks/Http/make-bodies.py")
  end
end

local accepted = {}
for s in string.gmatch(os.getenv("ACCEPT") or "", "[^,]+") do accepted[tonumber(s)] = true end
local delay_ms = tonumber(os.getenv("DELAY_MS") or "")
if delay_ms then
  function delay() return delay_ms end
end

local n = 0
function request()
  n = n + 1
  return wrk.format("POST", "/v1/models/fmnist-cnn/predict",
    { ["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json" },
    bodies[(n % #bodies) + 1])
end

function response(status, headers, body)
  if status ~= 200 and not accepted[status] then
    error("status " .. status .. ": " .. body)
  end
end
