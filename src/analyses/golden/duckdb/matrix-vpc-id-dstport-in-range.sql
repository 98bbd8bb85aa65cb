WITH "g_core" AS (
  SELECT "vpc_id" AS "k0_0", "dstport" AS "k1_0", count(*) AS "flows", sum("bytes") AS "bytes", count(*) FILTER (WHERE "action" = 'ACCEPT') AS "accepted", count(*) FILTER (WHERE "action" = 'REJECT') AS "rejected" FROM "flow_store_core" WHERE ("log_status" = 'OK' AND "start" >= CAST($1 AS UINTEGER) AND "start" < CAST($2 AS UINTEGER)) GROUP BY ALL
),
"g_wide" AS (
  SELECT "vpc_id" AS "k0_0", "dstport" AS "k1_0", count(*) AS "flows", sum("bytes") AS "bytes", count(*) FILTER (WHERE "action" = 'ACCEPT') AS "accepted", count(*) FILTER (WHERE "action" = 'REJECT') AS "rejected" FROM "flow_wide" WHERE ("log_status" = 'OK' AND "start" >= CAST($3 AS UINTEGER) AND "start" < CAST($4 AS UINTEGER)) GROUP BY ALL
),
"g" AS (SELECT "k0_0", "k1_0", sum("flows") AS "flows", sum("bytes") AS "bytes", sum("accepted") AS "accepted", sum("rejected") AS "rejected" FROM (SELECT * FROM "g_core" UNION ALL SELECT * FROM "g_wide") GROUP BY ALL)
SELECT (SELECT value FROM "flow_dict" WHERE id = "g"."k0_0") AS "from", "g"."k1_0" AS "to", flows, bytes, accepted, rejected FROM g ORDER BY bytes DESC NULLS LAST, "from", "to"
-- params: [1795910400,1795996800,1795910400,1795996800]
