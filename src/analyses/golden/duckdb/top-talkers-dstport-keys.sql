WITH "g_core" AS (
  SELECT "dstport" AS "k0_0", count(*) AS "flows" FROM "flow_store_core" WHERE ("log_status" = 'OK' AND "start" >= CAST($1 AS UINTEGER) AND "start" < CAST($2 AS UINTEGER)) GROUP BY ALL
),
"g_wide" AS (
  SELECT "dstport" AS "k0_0", count(*) AS "flows" FROM "flow_wide" WHERE ("log_status" = 'OK' AND "start" >= CAST($3 AS UINTEGER) AND "start" < CAST($4 AS UINTEGER)) GROUP BY ALL
),
"g" AS (SELECT "k0_0", sum("flows") AS "flows" FROM (SELECT * FROM "g_core" UNION ALL SELECT * FROM "g_wide") GROUP BY ALL),
t AS (SELECT * FROM g ORDER BY "flows" DESC NULLS LAST, "k0_0" LIMIT CAST($5 AS BIGINT)),
total AS (SELECT coalesce(sum("flows"), 0) AS total, count(*) AS groups, (SELECT coalesce(sum("flows"), 0) FROM t) AS shown FROM g)
SELECT * FROM (
  SELECT "t"."k0_0" AS "dstport", t."k0_0" AS "k0_0", t."flows" AS "flows", t."flows" / nullif(total.total, 0) AS share, false AS other, row_number() OVER (ORDER BY t."flows" DESC NULLS LAST, t."k0_0") AS rank
  FROM t, total
  UNION ALL
  SELECT NULL AS "dstport", NULL AS "k0_0", total.total - total.shown, (total.total - total.shown) / nullif(total.total, 0), true, NULL
  FROM total WHERE total.groups > CAST($6 AS BIGINT)
) ORDER BY other, rank
-- params: [1795910400,1795996800,1795910400,1795996800,8,8]
