-- wrk script for bench/load.sh: report saves (PUT /api/v1/plans/PLAN/periods/PERIOD/reports/UNIT,
-- the same use case as the form's "Lưu"), signed in, with the session cookie and the CSRF token
-- given by `wrk -H`. The requests go round the units named in a data file (one line per unit:
-- "unit<TAB>version<TAB>body as JSON", written by load.sh), each sent at the newest version this
-- thread has seen for that unit, so that most saves are real writes; a save that another
-- connection overtook is answered 409 with the current version, which the next save uses.
-- Run: wrk ... -s bench/save.lua URL -- DATAFILE PATH_PREFIX

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  units, bodies, versions = {}, {}, {}
  prefix = args[2]
  for line in io.lines(args[1]) do
    local unit, version, body = line:match("^([^\t]+)\t(%d+)\t(.*)$")
    if unit then
      units[#units + 1] = unit
      versions[unit] = tonumber(version)
      bodies[unit] = body
    end
  end
  i, n, ok, conflict, other = 0, 0, 0, 0, 0
end

function request()
  i = i % #units + 1
  n = n + 1
  local u = units[i]
  local body = bodies[u]:gsub("@N@", tostring(n))
  return wrk.format("PUT", prefix .. u, nil, '{"version":' .. versions[u] .. ',"body":' .. body .. '}')
end

function response(status, headers, body)
  if status == 200 then
    ok = ok + 1
  elseif status == 409 then
    conflict = conflict + 1
  else
    other = other + 1
  end
  local u = body:match('"unit":"([^"]+)"')
  local v = body:match('"version":(%d+)')
  if u and v and versions[u] and tonumber(v) > versions[u] then
    versions[u] = tonumber(v)
  end
end

function done(summary, latency, requests)
  local a, b, c = 0, 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("ok")
    b = b + t:get("conflict")
    c = c + t:get("other")
  end
  io.write(string.format("saves: %d written (200), %d overtaken (409), %d other\n", a, b, c))
end
