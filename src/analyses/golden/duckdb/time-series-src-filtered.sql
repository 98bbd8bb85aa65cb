WITH "g_core" AS (
  SELECT (CAST("start" AS BIGINT) // CAST($1 AS UINTEGER) * CAST($1 AS UINTEGER)) AS "k0_0", "srcaddr_v4" AS "k1_0", CAST(NULL AS UHUGEINT) AS "k1_1", count(*) AS "flows" FROM "flow_store_core" WHERE ("log_status" = 'OK' AND "start" >= CAST($2 AS UINTEGER) AND "start" < CAST($3 AS UINTEGER) AND "dstport" = CAST($4 AS USMALLINT)) GROUP BY ALL
),
"g_wide" AS (
  SELECT (CAST("start" AS BIGINT) // CAST($5 AS UINTEGER) * CAST($5 AS UINTEGER)) AS "k0_0", coalesce("pkt_srcaddr_v4", "srcaddr_v4") AS "k1_0", CAST(NULL AS UHUGEINT) AS "k1_1", count(*) AS "flows" FROM "flow_wide" WHERE (("log_status" = 'OK' AND "start" >= CAST($6 AS UINTEGER) AND "start" < CAST($7 AS UINTEGER) AND "dstport" = CAST($8 AS USMALLINT)) AND ("pkt_srcaddr_v6" IS NULL AND ("pkt_srcaddr_v4" IS NOT NULL OR "srcaddr_v6" IS NULL))) GROUP BY ALL
  UNION ALL
  SELECT (CAST("start" AS BIGINT) // CAST($9 AS UINTEGER) * CAST($9 AS UINTEGER)) AS "k0_0", coalesce("pkt_srcaddr_v4", CASE WHEN "pkt_srcaddr_v6" IS NULL THEN "srcaddr_v4" END) AS "k1_0", coalesce("pkt_srcaddr_v6", CASE WHEN "pkt_srcaddr_v4" IS NULL THEN "srcaddr_v6" END) AS "k1_1", count(*) AS "flows" FROM "flow_wide" WHERE (("log_status" = 'OK' AND "start" >= CAST($10 AS UINTEGER) AND "start" < CAST($11 AS UINTEGER) AND "dstport" = CAST($12 AS USMALLINT)) AND NOT ("pkt_srcaddr_v6" IS NULL AND ("pkt_srcaddr_v4" IS NOT NULL OR "srcaddr_v6" IS NULL))) GROUP BY ALL
),
"g" AS (SELECT "k0_0", "k1_0", "k1_1", sum("flows") AS "flows" FROM (SELECT * FROM "g_core" UNION ALL SELECT * FROM "g_wide") GROUP BY ALL),
top AS (SELECT "k1_0", "k1_1", row_number() OVER (ORDER BY sum("flows") DESC NULLS LAST, "k1_0", "k1_1") AS r FROM g GROUP BY "k1_0", "k1_1" ORDER BY r LIMIT CAST($13 AS BIGINT)),
s AS (SELECT g."k0_0" AS bucket, top.r, top."k1_0", top."k1_1", sum(g."flows") AS "flows" FROM g LEFT JOIN top ON (g."k1_0" IS NOT DISTINCT FROM top."k1_0" AND g."k1_1" IS NOT DISTINCT FROM top."k1_1") GROUP BY ALL)
SELECT bucket, coalesce(fs_ipv4_text("s"."k1_0"), fs_ipv6_text("s"."k1_1")) AS series, r IS NULL AS other, "flows" FROM s ORDER BY bucket, r NULLS LAST
-- params: [3600,1795910400,1795996800,443,3600,1795910400,1795996800,443,3600,1795910400,1795996800,443,8]
