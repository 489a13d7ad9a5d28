-- AITRAPP reconcile report: psql "$DATABASE_URL" -f scripts/reconcile_db.sql
--                      or, for one trading day: psql "$DATABASE_URL" -v day=2022-04-04 -f ...
--
-- Each check lists the rows that break it, so an empty result ("(0 rows)") is a pass. The same
-- checks are compiled into `aitrapp reconcile`, which runs them on SQLite or PostgreSQL and exits
-- non-zero when any failing check has rows (`--day`, default the latest trading day). The SQL is
-- portable between the two backends.
-- Format, for that parser: a line "-- check: <name>: <what it means>" (or "-- report: ...", which
-- lists rows without failing) starts a check; its single SELECT follows; psql meta-commands
-- (lines starting with a backslash) are for psql only; :'day' is the day ('' for every day).
--
-- A day's records are the rows of that trading_day; the checks of what is live (orphan legs,
-- two live orders for a leg, unprotected positions, orders live after a hard flat) also take
-- what earlier days left live, since it was live on that day too.

\if :{?day}
\else
\set day ''
\endif

-- check: orphan_oco_siblings: live stop-loss or take-profit legs whose bracket holds no position
\echo '== orphan_oco_siblings: live SL/TP legs whose bracket holds no position'
SELECT o.client_order_id, o.plan_id, o.role, o.status, g.state AS bracket_state, g.net
FROM orders o JOIN oco_groups g ON g.plan_id = o.plan_id
WHERE o.role IN ('SL', 'TP') AND o.status NOT IN ('FILLED', 'CANCELLED', 'REJECTED')
  AND (g.net = 0 OR g.state = 'CLOSED') AND (:'day' = '' OR o.trading_day <= :'day')
ORDER BY o.client_order_id;

-- check: duplicate_client_order_id: a client_order_id stored twice, or two live orders for one leg
\echo '== duplicate_client_order_id: ids stored twice, or two live orders for one bracket leg'
SELECT 'same id twice' AS problem, client_order_id AS id, COUNT(*) AS copies
FROM orders WHERE :'day' = '' OR trading_day = :'day'
GROUP BY client_order_id HAVING COUNT(*) > 1
UNION ALL
SELECT 'two live orders for ' || role, plan_id, COUNT(*)
FROM orders WHERE status NOT IN ('FILLED', 'CANCELLED', 'REJECTED')
  AND (:'day' = '' OR trading_day <= :'day')
GROUP BY plan_id, role HAVING COUNT(*) > 1
ORDER BY 1, 2;

-- check: broken_chain: a break in signal -> decision -> orders -> trades
\echo '== broken_chain: breaks in signal -> decision -> orders -> trades'
SELECT 'decision without signal' AS problem, d.plan_id AS id
FROM decisions d WHERE (:'day' = '' OR d.trading_day = :'day')
  AND NOT EXISTS (SELECT 1 FROM signals s WHERE s.signal_id = d.signal_id)
UNION ALL
SELECT 'order without decision', o.client_order_id
FROM orders o WHERE (:'day' = '' OR o.trading_day = :'day')
  AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.plan_id = o.plan_id)
UNION ALL
SELECT 'fill without order', f.fill_id
FROM fills f WHERE (:'day' = '' OR f.trading_day = :'day')
  AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.client_order_id = f.client_order_id)
UNION ALL
SELECT 'filled order without fills', o.client_order_id
FROM orders o WHERE o.filled > 0 AND (:'day' = '' OR o.trading_day = :'day')
  AND NOT EXISTS (SELECT 1 FROM fills f WHERE f.client_order_id = o.client_order_id)
UNION ALL
SELECT 'trade without a filled entry order', t.plan_id
FROM trades t WHERE (:'day' = '' OR t.trading_day = :'day') AND NOT EXISTS
  (SELECT 1 FROM orders o WHERE o.plan_id = t.plan_id AND o.role = 'ENTRY' AND o.filled > 0)
ORDER BY 1, 2;

-- check: missing_config_sha: orders, fills, decisions or trades without a known config_sha
\echo '== missing_config_sha: records without a config_sha from config_snapshots'
SELECT 'order' AS record, client_order_id AS id, config_sha FROM orders
WHERE config_sha NOT IN (SELECT config_sha FROM config_snapshots)
  AND (:'day' = '' OR trading_day = :'day')
UNION ALL
SELECT 'fill', fill_id, config_sha FROM fills
WHERE config_sha NOT IN (SELECT config_sha FROM config_snapshots)
  AND (:'day' = '' OR trading_day = :'day')
UNION ALL
SELECT 'decision', plan_id, config_sha FROM decisions
WHERE config_sha NOT IN (SELECT config_sha FROM config_snapshots)
  AND (:'day' = '' OR trading_day = :'day')
UNION ALL
SELECT 'trade', plan_id, config_sha FROM trades
WHERE config_sha NOT IN (SELECT config_sha FROM config_snapshots)
  AND (:'day' = '' OR trading_day = :'day')
ORDER BY 1, 2;

-- check: unprotected_positions: brackets holding a position with no live stop-loss or exit
\echo '== unprotected_positions: positions without a live stop-loss or exit order'
SELECT g.plan_id, g.symbol, g.side, g.net, g.state
FROM oco_groups g
WHERE g.net <> 0 AND g.state <> 'CLOSED' AND (:'day' = '' OR g.trading_day <= :'day')
  AND NOT EXISTS
  (SELECT 1 FROM orders o WHERE o.plan_id = g.plan_id AND o.role IN ('SL', 'EXIT')
     AND o.status NOT IN ('FILLED', 'CANCELLED', 'REJECTED'))
ORDER BY g.plan_id;

-- check: open_after_hard_flat: live orders or open brackets from before a day's hard flat
\echo '== open_after_hard_flat: orders still live or brackets still open after the hard flat that should have closed them'
SELECT 'live order' AS problem, o.client_order_id AS id, o.status AS state, o.created_ms AS since_ms
FROM orders o
WHERE o.status NOT IN ('FILLED', 'CANCELLED', 'REJECTED')
  AND (:'day' = '' OR o.trading_day <= :'day')
  AND EXISTS (SELECT 1 FROM risk_events e
              WHERE e.kind = 'EOD' AND e.check_name = 'HARD_FLAT' AND e.time_ms > o.created_ms
                AND (:'day' = '' OR e.trading_day <= :'day'))
UNION ALL
SELECT 'open bracket', g.plan_id, g.state, d.time_ms
FROM oco_groups g JOIN decisions d ON d.plan_id = g.plan_id
WHERE g.net <> 0 AND g.state <> 'CLOSED' AND (:'day' = '' OR g.trading_day <= :'day')
  AND EXISTS (SELECT 1 FROM risk_events e
              WHERE e.kind = 'EOD' AND e.check_name = 'HARD_FLAT' AND e.time_ms > d.time_ms
                AND (:'day' = '' OR e.trading_day <= :'day'))
ORDER BY 1, 2;

-- report: risk_events_of_the_day: the risk events of the day (or of the latest trading day)
\echo '== risk_events_of_the_day (informational)'
SELECT trading_day, time_ms, kind, check_name, reason, symbol, plan_id
FROM risk_events
WHERE trading_day = CASE WHEN :'day' = '' THEN (SELECT MAX(trading_day) FROM engine_checkpoint)
                         ELSE :'day' END
ORDER BY id;
