WITH "g_core" AS (
  SELECT "srcaddr_v4" AS "k0_0", CAST(NULL AS UHUGEINT) AS "k0_1", sum("bytes") AS "bytes" FROM "flow_store_core" WHERE "log_status" = 'OK' GROUP BY ALL
),
"g_wide" AS (
  SELECT coalesce("pkt_srcaddr_v4", "srcaddr_v4") AS "k0_0", CAST(NULL AS UHUGEINT) AS "k0_1", sum("bytes") AS "bytes" FROM "flow_wide" WHERE ("log_status" = 'OK' AND ("pkt_srcaddr_v6" IS NULL AND ("pkt_srcaddr_v4" IS NOT NULL OR "srcaddr_v6" IS NULL))) GROUP BY ALL
  UNION ALL
  SELECT coalesce("pkt_srcaddr_v4", CASE WHEN "pkt_srcaddr_v6" IS NULL THEN "srcaddr_v4" END) AS "k0_0", coalesce("pkt_srcaddr_v6", CASE WHEN "pkt_srcaddr_v4" IS NULL THEN "srcaddr_v6" END) AS "k0_1", sum("bytes") AS "bytes" FROM "flow_wide" WHERE ("log_status" = 'OK' AND NOT ("pkt_srcaddr_v6" IS NULL AND ("pkt_srcaddr_v4" IS NOT NULL OR "srcaddr_v6" IS NULL))) GROUP BY ALL
),
"g" AS (SELECT "k0_0", "k0_1", sum("bytes") AS "bytes" FROM (SELECT * FROM "g_core" UNION ALL SELECT * FROM "g_wide") GROUP BY ALL),
t AS (SELECT * FROM g ORDER BY "bytes" DESC NULLS LAST, "k0_0", "k0_1" LIMIT CAST($1 AS BIGINT)),
total AS (SELECT coalesce(sum("bytes"), 0) AS total, count(*) AS groups, (SELECT coalesce(sum("bytes"), 0) FROM t) AS shown FROM g)
SELECT * FROM (
  SELECT coalesce(fs_ipv4_text("t"."k0_0"), fs_ipv6_text("t"."k0_1")) AS "src", t."bytes" AS "bytes", t."bytes" / nullif(total.total, 0) AS share, false AS other, row_number() OVER (ORDER BY t."bytes" DESC NULLS LAST, t."k0_0", t."k0_1") AS rank
  FROM t, total
  UNION ALL
  SELECT NULL AS "src", total.total - total.shown, (total.total - total.shown) / nullif(total.total, 0), true, NULL
  FROM total WHERE total.groups > CAST($2 AS BIGINT)
) ORDER BY other, rank
-- params: [10,10]
