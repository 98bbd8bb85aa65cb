SELECT count(*) AS flows, coalesce(sum("bytes"), 0) AS bytes, coalesce(sum("packets"), 0) AS packets, count(*) FILTER (WHERE "action" = 'ACCEPT') AS accepted, count(*) FILTER (WHERE "action" = 'REJECT') AS rejected
FROM "flow_store" WHERE ("log_status" = 'OK' AND "start" >= CAST($1 AS UINTEGER) AND "start" < CAST($2 AS UINTEGER) AND COALESCE("pkt_srcaddr_v4", CASE WHEN "pkt_srcaddr_v6" IS NULL THEN "srcaddr_v4" END) BETWEEN CAST($3 AS UINTEGER) AND CAST($4 AS UINTEGER))
-- params: [1795910400,1795996800,169558016,169560063]
