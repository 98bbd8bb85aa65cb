WITH "g_core" AS (
  SELECT * REPLACE (CAST(CASE "k2_0" WHEN 0 THEN 6 WHEN 1 THEN 17 WHEN 2 THEN 1 WHEN 6 THEN 0 WHEN 17 THEN 2 ELSE "k2_0" END AS UTINYINT) AS "k2_0") FROM (SELECT "vpc_id" AS "k0_0", "action" AS "k1_0", "proto_code" AS "k2_0", sum("packets") AS "packets" FROM "flow_store_core" WHERE ("log_status" = 'OK' AND "start" >= CAST($1 AS UINTEGER) AND "start" < CAST($2 AS UINTEGER) AND "protocol" <> CAST($3 AS UTINYINT)) GROUP BY ALL)
),
"g_wide" AS (
  SELECT "vpc_id" AS "k0_0", "action" AS "k1_0", "protocol" AS "k2_0", sum("packets") AS "packets" FROM "flow_wide" WHERE ("log_status" = 'OK' AND "start" >= CAST($4 AS UINTEGER) AND "start" < CAST($5 AS UINTEGER) AND "protocol" <> CAST($6 AS UTINYINT)) GROUP BY ALL
),
"g" AS (SELECT "k0_0", "k1_0", "k2_0", sum("packets") AS "packets" FROM (SELECT * FROM "g_core" UNION ALL SELECT * FROM "g_wide") GROUP BY ALL),
"t0" AS (SELECT "k0_0", true AS hit FROM g GROUP BY "k0_0" ORDER BY sum("packets") DESC NULLS LAST, "k0_0" LIMIT CAST($7 AS BIGINT)),
"t1" AS (SELECT "k1_0", true AS hit FROM g GROUP BY "k1_0" ORDER BY sum("packets") DESC NULLS LAST, "k1_0" LIMIT CAST($8 AS BIGINT)),
"t2" AS (SELECT "k2_0", true AS hit FROM g GROUP BY "k2_0" ORDER BY sum("packets") DESC NULLS LAST, "k2_0" LIMIT CAST($9 AS BIGINT)),
p AS (SELECT "t0"."hit" AS "h0", "t0"."k0_0", "t1"."hit" AS "h1", "t1"."k1_0", "t2"."hit" AS "h2", "t2"."k2_0", sum(g."packets") AS "packets" FROM g LEFT JOIN "t0" ON g."k0_0" IS NOT DISTINCT FROM "t0"."k0_0" LEFT JOIN "t1" ON g."k1_0" IS NOT DISTINCT FROM "t1"."k1_0" LEFT JOIN "t2" ON g."k2_0" IS NOT DISTINCT FROM "t2"."k2_0" GROUP BY ALL)
SELECT (SELECT value FROM "flow_dict" WHERE id = "p"."k0_0") AS "vpc_id", p."h0" IS NULL AS "vpc_id_other", CAST("p"."k1_0" AS VARCHAR) AS "action", p."h1" IS NULL AS "action_other", "p"."k2_0" AS "protocol", p."h2" IS NULL AS "protocol_other", p."packets" FROM p ORDER BY p."packets" DESC NULLS LAST, p."k0_0", p."k1_0", p."k2_0"
-- params: [1795910400,1795996800,1,1795910400,1795996800,1,5,5,5]
