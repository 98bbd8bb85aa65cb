WITH "g_core" AS (
  SELECT (CAST("start" AS BIGINT) // CAST($1 AS UINTEGER) * CAST($1 AS UINTEGER)) AS "k0_0", "action" AS "k1_0", sum("bytes") AS "bytes" FROM "flow_store_core" WHERE ("log_status" = 'OK' AND "start" >= CAST($2 AS UINTEGER) AND "start" < CAST($3 AS UINTEGER)) GROUP BY ALL
),
"g_wide" AS (
  SELECT (CAST("start" AS BIGINT) // CAST($4 AS UINTEGER) * CAST($4 AS UINTEGER)) AS "k0_0", "action" AS "k1_0", sum("bytes") AS "bytes" FROM "flow_wide" WHERE ("log_status" = 'OK' AND "start" >= CAST($5 AS UINTEGER) AND "start" < CAST($6 AS UINTEGER)) GROUP BY ALL
),
"g" AS (SELECT "k0_0", "k1_0", sum("bytes") AS "bytes" FROM (SELECT * FROM "g_core" UNION ALL SELECT * FROM "g_wide") GROUP BY ALL),
top AS (SELECT "k1_0", row_number() OVER (ORDER BY sum("bytes") DESC NULLS LAST, "k1_0") AS r FROM g GROUP BY "k1_0" ORDER BY r LIMIT CAST($7 AS BIGINT)),
s AS (SELECT g."k0_0" AS bucket, top.r, top."k1_0", sum(g."bytes") AS "bytes" FROM g LEFT JOIN top ON g."k1_0" IS NOT DISTINCT FROM top."k1_0" GROUP BY ALL)
SELECT bucket, CAST("s"."k1_0" AS VARCHAR) AS series, r IS NULL AS other, "bytes" FROM s ORDER BY bucket, r NULLS LAST
-- params: [300,1795910400,1795996800,300,1795910400,1795996800,5]
