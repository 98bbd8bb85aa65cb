WITH "g_core" AS (
  SELECT "vpc_id" AS "k0_0", list_position([CAST($1 AS UINTEGER), NULL], "dstport") AS "k1_0", count(*) AS "flows" FROM "flow_store_core" WHERE ("log_status" = 'OK' AND "start" >= CAST($2 AS UINTEGER) AND "start" < CAST($3 AS UINTEGER)) GROUP BY ALL
),
"g_wide" AS (
  SELECT "vpc_id" AS "k0_0", list_position([CAST($4 AS UINTEGER), NULL], "dstport") AS "k1_0", count(*) AS "flows" FROM "flow_wide" WHERE ("log_status" = 'OK' AND "start" >= CAST($5 AS UINTEGER) AND "start" < CAST($6 AS UINTEGER)) GROUP BY ALL
),
"g" AS (SELECT "k0_0", "k1_0", sum("flows") AS "flows" FROM (SELECT * FROM "g_core" UNION ALL SELECT * FROM "g_wide") GROUP BY ALL),
"t0" AS (SELECT "k0_0", true AS hit FROM g GROUP BY "k0_0" ORDER BY sum("flows") DESC NULLS LAST, "k0_0" LIMIT CAST($7 AS BIGINT)),
"t1" AS (SELECT DISTINCT "k1_0", true AS hit FROM g WHERE "k1_0" IS NOT NULL),
p AS (SELECT "t0"."hit" AS "h0", "t0"."k0_0", "t1"."hit" AS "h1", "t1"."k1_0", sum(g."flows") AS "flows" FROM g LEFT JOIN "t0" ON g."k0_0" IS NOT DISTINCT FROM "t0"."k0_0" LEFT JOIN "t1" ON g."k1_0" IS NOT DISTINCT FROM "t1"."k1_0" GROUP BY ALL)
SELECT (SELECT value FROM "flow_dict" WHERE id = "p"."k0_0") AS "vpc_id", p."h0" IS NULL AS "vpc_id_other", [CAST($8 AS UINTEGER), NULL]["p"."k1_0"] AS "dstport", p."h1" IS NULL AS "dstport_other", p."flows" FROM p ORDER BY p."flows" DESC NULLS LAST, p."k0_0", p."k1_0"
-- params: [443,1795910400,1795996800,443,1795910400,1795996800,2,443]
