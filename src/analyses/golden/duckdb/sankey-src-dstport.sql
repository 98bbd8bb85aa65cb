WITH "g" AS (SELECT "k0_0", CAST(NULL AS UHUGEINT) AS "k0_1", "k1_0", sum("bytes") AS "bytes" FROM (
  SELECT "srcaddr_v4" AS "k0_0", CAST(NULL AS UHUGEINT) AS "k0_1", "dstport" AS "k1_0", * FROM "flow_store_core" WHERE "log_status" = 'OK'
  UNION ALL BY NAME
  SELECT coalesce("pkt_srcaddr_v4", "srcaddr_v4") AS "k0_0", CAST(NULL AS UHUGEINT) AS "k0_1", "dstport" AS "k1_0", * FROM "flow_wide" WHERE ("log_status" = 'OK' AND ("pkt_srcaddr_v6" IS NULL AND ("pkt_srcaddr_v4" IS NOT NULL OR "srcaddr_v6" IS NULL)))
) GROUP BY "k0_0", "k1_0"
UNION ALL
SELECT "k0_0", "k0_1", "k1_0", sum("bytes") AS "bytes" FROM (
  SELECT coalesce("pkt_srcaddr_v4", CASE WHEN "pkt_srcaddr_v6" IS NULL THEN "srcaddr_v4" END) AS "k0_0", coalesce("pkt_srcaddr_v6", CASE WHEN "pkt_srcaddr_v4" IS NULL THEN "srcaddr_v6" END) AS "k0_1", "dstport" AS "k1_0", * FROM "flow_wide" WHERE ("log_status" = 'OK' AND NOT ("pkt_srcaddr_v6" IS NULL AND ("pkt_srcaddr_v4" IS NOT NULL OR "srcaddr_v6" IS NULL)))
) GROUP BY "k0_0", "k0_1", "k1_0"),
"t0" AS (SELECT "k0_0", "k0_1", true AS hit FROM g GROUP BY "k0_0", "k0_1" ORDER BY sum("bytes") DESC NULLS LAST, "k0_0", "k0_1" LIMIT CAST($1 AS BIGINT)),
"t1" AS (SELECT "k1_0", true AS hit FROM g GROUP BY "k1_0" ORDER BY sum("bytes") DESC NULLS LAST, "k1_0" LIMIT CAST($2 AS BIGINT)),
p AS (SELECT "t0"."hit" AS "h0", "t0"."k0_0", "t0"."k0_1", "t1"."hit" AS "h1", "t1"."k1_0", sum(g."bytes") AS "bytes" FROM g LEFT JOIN "t0" ON (g."k0_0" IS NOT DISTINCT FROM "t0"."k0_0" AND g."k0_1" IS NOT DISTINCT FROM "t0"."k0_1") LEFT JOIN "t1" ON g."k1_0" IS NOT DISTINCT FROM "t1"."k1_0" GROUP BY ALL)
SELECT coalesce(fs_ipv4_text("p"."k0_0"), fs_ipv6_text("p"."k0_1")) AS "src", p."h0" IS NULL AS "src_other", "p"."k1_0" AS "dstport", p."h1" IS NULL AS "dstport_other", p."bytes" FROM p ORDER BY p."bytes" DESC NULLS LAST, p."k0_0", p."k0_1", p."k1_0"
-- params: [10,10]
