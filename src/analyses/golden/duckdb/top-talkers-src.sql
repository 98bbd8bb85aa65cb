WITH g AS (SELECT coalesce("pkt_srcaddr_v4", CASE WHEN "pkt_srcaddr_v6" IS NULL THEN "srcaddr_v4" END) AS "k0_0", coalesce("pkt_srcaddr_v6", CASE WHEN "pkt_srcaddr_v4" IS NULL THEN "srcaddr_v6" END) AS "k0_1", sum("bytes") AS "bytes" FROM "flow_store" WHERE "log_status" = 'OK' GROUP BY ALL),
total AS (SELECT coalesce(sum("bytes"), 0) AS total, count(*) AS groups FROM g),
t AS (SELECT * FROM g ORDER BY "bytes" DESC NULLS LAST, "k0_0", "k0_1" LIMIT CAST($1 AS BIGINT))
SELECT * FROM (
  SELECT coalesce(fs_ipv4_text("t"."k0_0"), fs_ipv6_text("t"."k0_1")) AS "src", t."bytes" AS "bytes", t."bytes" / nullif(total.total, 0) AS share, false AS other, row_number() OVER (ORDER BY t."bytes" DESC NULLS LAST, t."k0_0", t."k0_1") AS rank
  FROM t, total
  UNION ALL
  SELECT NULL AS "src", total.total - (SELECT coalesce(sum("bytes"), 0) FROM t), (total.total - (SELECT coalesce(sum("bytes"), 0) FROM t)) / nullif(total.total, 0), true, NULL
  FROM total WHERE total.groups > CAST($2 AS BIGINT)
) ORDER BY other, rank
-- params: [10,10]
