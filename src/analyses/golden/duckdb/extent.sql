SELECT min("start") AS first, max("end") AS last, count(*) AS records FROM "flow_store"
-- params: []
