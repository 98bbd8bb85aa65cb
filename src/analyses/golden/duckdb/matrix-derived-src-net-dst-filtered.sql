WITH "g_base" AS (SELECT "k0_0", CAST(NULL AS UHUGEINT) AS "k0_1", "k1_0", CAST(NULL AS UHUGEINT) AS "k1_1", count(*) AS "flows", sum("bytes") AS "bytes", count(*) FILTER (WHERE "action" = 'ACCEPT') AS "accepted", count(*) FILTER (WHERE "action" = 'REJECT') AS "rejected" FROM (
  SELECT "srcaddr_v4" AS "k0_0", CAST(NULL AS UHUGEINT) AS "k0_1", "dstaddr_v4" AS "k1_0", CAST(NULL AS UHUGEINT) AS "k1_1", * FROM "flow_store_core" WHERE ("log_status" = 'OK' AND "action" = CAST($1 AS VARCHAR))
  UNION ALL BY NAME
  SELECT coalesce("pkt_srcaddr_v4", "srcaddr_v4") AS "k0_0", CAST(NULL AS UHUGEINT) AS "k0_1", coalesce("pkt_dstaddr_v4", "dstaddr_v4") AS "k1_0", CAST(NULL AS UHUGEINT) AS "k1_1", * FROM "flow_wide" WHERE (("log_status" = 'OK' AND "action" = CAST($2 AS VARCHAR)) AND (("pkt_srcaddr_v6" IS NULL AND ("pkt_srcaddr_v4" IS NOT NULL OR "srcaddr_v6" IS NULL)) AND ("pkt_dstaddr_v6" IS NULL AND ("pkt_dstaddr_v4" IS NOT NULL OR "dstaddr_v6" IS NULL))))
) GROUP BY "k0_0", "k1_0"
UNION ALL
SELECT "k0_0", "k0_1", "k1_0", "k1_1", count(*) AS "flows", sum("bytes") AS "bytes", count(*) FILTER (WHERE "action" = 'ACCEPT') AS "accepted", count(*) FILTER (WHERE "action" = 'REJECT') AS "rejected" FROM (
  SELECT coalesce("pkt_srcaddr_v4", CASE WHEN "pkt_srcaddr_v6" IS NULL THEN "srcaddr_v4" END) AS "k0_0", coalesce("pkt_srcaddr_v6", CASE WHEN "pkt_srcaddr_v4" IS NULL THEN "srcaddr_v6" END) AS "k0_1", coalesce("pkt_dstaddr_v4", CASE WHEN "pkt_dstaddr_v6" IS NULL THEN "dstaddr_v4" END) AS "k1_0", coalesce("pkt_dstaddr_v6", CASE WHEN "pkt_dstaddr_v4" IS NULL THEN "dstaddr_v6" END) AS "k1_1", * FROM "flow_wide" WHERE (("log_status" = 'OK' AND "action" = CAST($3 AS VARCHAR)) AND NOT (("pkt_srcaddr_v6" IS NULL AND ("pkt_srcaddr_v4" IS NOT NULL OR "srcaddr_v6" IS NULL)) AND ("pkt_dstaddr_v6" IS NULL AND ("pkt_dstaddr_v4" IS NOT NULL OR "dstaddr_v6" IS NULL))))
) GROUP BY "k0_0", "k0_1", "k1_0", "k1_1"),
"g" AS (SELECT ("k0_0" // 256) AS "k0_0", "k1_0", "k1_1", sum("flows") AS "flows", sum("bytes") AS "bytes", sum("accepted") AS "accepted", sum("rejected") AS "rejected" FROM "g_base" GROUP BY ALL)
SELECT "g"."k0_0" AS "from", coalesce(fs_ipv4_text("g"."k1_0"), fs_ipv6_text("g"."k1_1")) AS "to", flows, bytes, accepted, rejected FROM g ORDER BY bytes DESC NULLS LAST, "from", "to"
-- params: ["REJECT","REJECT","REJECT"]
