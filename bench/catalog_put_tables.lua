-- wrk script: PUT /api/v1/tables with 20 columns, a new table on every request, into the schema
-- svc.db.main (create it first). The bot token comes from $TOKEN. See bench/README.md.
local counter = 0
local prefix = os.getenv("TABLE_PREFIX") or "t"
wrk.method = "PUT"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
local cols = {}
for i = 1, 20 do
  cols[#cols + 1] = string.format(
    '{"name":"c%d","dataType":"VARCHAR","dataLength":255,"dataTypeDisplay":"VARCHAR(255)","constraint":"NULL"}', i)
end
local colstr = table.concat(cols, ",")
request = function()
  counter = counter + 1
  local body = string.format(
    '{"name":"%s%d","tableType":"Regular","databaseSchema":"svc.db.main","sourceHash":"h%d","columns":[%s]}',
    prefix, counter, counter, colstr)
  return wrk.format(nil, "/api/v1/tables", nil, body)
end
