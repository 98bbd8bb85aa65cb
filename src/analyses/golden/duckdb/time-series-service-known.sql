WITH "g_core" AS (
  SELECT (CAST("start" AS BIGINT) // CAST($1 AS UINTEGER) * CAST($1 AS UINTEGER)) AS "k0_0", list_position([CAST($2 AS UINTEGER), NULL, CAST($3 AS UINTEGER)], CASE WHEN "dstport" IS NULL OR "srcport" <= "dstport" THEN "srcport" ELSE "dstport" END) AS "k1_0", sum("packets") AS "packets" FROM "flow_store_core" WHERE ("log_status" = 'OK' AND "start" >= CAST($4 AS UINTEGER) AND "start" < CAST($5 AS UINTEGER)) GROUP BY ALL
),
"g_wide" AS (
  SELECT (CAST("start" AS BIGINT) // CAST($6 AS UINTEGER) * CAST($6 AS UINTEGER)) AS "k0_0", list_position([CAST($7 AS UINTEGER), NULL, CAST($8 AS UINTEGER)], CASE WHEN "dstport" IS NULL OR "srcport" <= "dstport" THEN "srcport" ELSE "dstport" END) AS "k1_0", sum("packets") AS "packets" FROM "flow_wide" WHERE ("log_status" = 'OK' AND "start" >= CAST($9 AS UINTEGER) AND "start" < CAST($10 AS UINTEGER)) GROUP BY ALL
),
"g" AS (SELECT "k0_0", "k1_0", sum("packets") AS "packets" FROM (SELECT * FROM "g_core" UNION ALL SELECT * FROM "g_wide") GROUP BY ALL)
SELECT "k0_0" AS bucket, [CAST($11 AS UINTEGER), NULL, CAST($12 AS UINTEGER)]["k1_0"] AS series, "k1_0" IS NULL AS other, "packets" FROM g ORDER BY bucket, "k1_0" NULLS LAST
-- params: [300,443,22,1795910400,1795996800,300,443,22,1795910400,1795996800,443,22]
