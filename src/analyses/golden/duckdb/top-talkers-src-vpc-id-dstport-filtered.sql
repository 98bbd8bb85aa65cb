WITH "g_core" AS (SELECT "srcaddr_v4" AS "k0_0", CAST(NULL AS UHUGEINT) AS "k0_1", "vpc_id" AS "k1_0", "dstport" AS "k2_0", count(*) AS "flows" FROM "flow_store_core" WHERE ("log_status" = 'OK' AND "start" >= CAST($1 AS UINTEGER) AND "start" < CAST($2 AS UINTEGER) AND ((COALESCE("pkt_srcaddr_v4", CASE WHEN "pkt_srcaddr_v6" IS NULL THEN "srcaddr_v4" END) BETWEEN CAST($3 AS UINTEGER) AND CAST($4 AS UINTEGER) OR COALESCE("pkt_dstaddr_v6", CASE WHEN "pkt_dstaddr_v4" IS NULL THEN "dstaddr_v6" END) BETWEEN CAST($5 AS UHUGEINT) AND CAST($6 AS UHUGEINT)) AND "dstport" = CAST($7 AS USMALLINT) AND "vpc_id" IN (SELECT id FROM "flow_dict" WHERE value = CAST($8 AS VARCHAR)))) GROUP BY ALL),
"g_wide_f" AS NOT MATERIALIZED (SELECT * FROM "flow_wide" WHERE ("log_status" = 'OK' AND "start" >= CAST($9 AS UINTEGER) AND "start" < CAST($10 AS UINTEGER) AND ((COALESCE("pkt_srcaddr_v4", CASE WHEN "pkt_srcaddr_v6" IS NULL THEN "srcaddr_v4" END) BETWEEN CAST($11 AS UINTEGER) AND CAST($12 AS UINTEGER) OR COALESCE("pkt_dstaddr_v6", CASE WHEN "pkt_dstaddr_v4" IS NULL THEN "dstaddr_v6" END) BETWEEN CAST($13 AS UHUGEINT) AND CAST($14 AS UHUGEINT)) AND "dstport" = CAST($15 AS USMALLINT) AND "vpc_id" IN (SELECT id FROM "flow_dict" WHERE value = CAST($16 AS VARCHAR))))),
"g_wide" AS (
  SELECT coalesce("pkt_srcaddr_v4", "srcaddr_v4") AS "k0_0", CAST(NULL AS UHUGEINT) AS "k0_1", "vpc_id" AS "k1_0", "dstport" AS "k2_0", count(*) AS "flows" FROM "g_wide_f" WHERE ("pkt_srcaddr_v6" IS NULL AND ("pkt_srcaddr_v4" IS NOT NULL OR "srcaddr_v6" IS NULL)) GROUP BY ALL
  UNION ALL
  SELECT coalesce("pkt_srcaddr_v4", CASE WHEN "pkt_srcaddr_v6" IS NULL THEN "srcaddr_v4" END) AS "k0_0", coalesce("pkt_srcaddr_v6", CASE WHEN "pkt_srcaddr_v4" IS NULL THEN "srcaddr_v6" END) AS "k0_1", "vpc_id" AS "k1_0", "dstport" AS "k2_0", count(*) AS "flows" FROM "g_wide_f" WHERE NOT ("pkt_srcaddr_v6" IS NULL AND ("pkt_srcaddr_v4" IS NOT NULL OR "srcaddr_v6" IS NULL)) GROUP BY ALL
),
"g" AS (SELECT "k0_0", "k0_1", "k1_0", "k2_0", sum("flows") AS "flows" FROM (SELECT * FROM "g_core" UNION ALL SELECT * FROM "g_wide") GROUP BY ALL),
t AS (SELECT * FROM g ORDER BY "flows" DESC NULLS LAST, "k0_0", "k0_1", "k1_0", "k2_0" LIMIT CAST($17 AS BIGINT)),
total AS (SELECT coalesce(sum("flows"), 0) AS total, count(*) AS groups, (SELECT coalesce(sum("flows"), 0) FROM t) AS shown FROM g)
SELECT * FROM (
  SELECT coalesce(fs_ipv4_text("t"."k0_0"), fs_ipv6_text("t"."k0_1")) AS "src", (SELECT value FROM "flow_dict" WHERE id = "t"."k1_0") AS "vpc_id", "t"."k2_0" AS "dstport", t."flows" AS "flows", t."flows" / nullif(total.total, 0) AS share, false AS other, row_number() OVER (ORDER BY t."flows" DESC NULLS LAST, t."k0_0", t."k0_1", t."k1_0", t."k2_0") AS rank
  FROM t, total
  UNION ALL
  SELECT NULL AS "src", NULL AS "vpc_id", NULL AS "dstport", total.total - total.shown, (total.total - total.shown) / nullif(total.total, 0), true, NULL
  FROM total WHERE total.groups > CAST($18 AS BIGINT)
) ORDER BY other, rank
-- params: [1795910400,1795996800,169558016,169560063,"42540766411282592856903984951653826560","42540766490510755371168322545197776895",443,"vpc-0abc",1795910400,1795996800,169558016,169560063,"42540766411282592856903984951653826560","42540766490510755371168322545197776895",443,"vpc-0abc",20,20]
