-- One store holds many trading days (the 3-day burn-in runs on one database): every row a day
-- produces carries its trading day, so recovery takes only what is still open plus the day being
-- resumed, and a day's summary, reconcile and burn-in report count that day alone.
ALTER TABLE signals ADD COLUMN trading_day TEXT NOT NULL DEFAULT '';
ALTER TABLE decisions ADD COLUMN trading_day TEXT NOT NULL DEFAULT '';
ALTER TABLE oco_groups ADD COLUMN trading_day TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN trading_day TEXT NOT NULL DEFAULT '';
ALTER TABLE fills ADD COLUMN trading_day TEXT NOT NULL DEFAULT '';
ALTER TABLE kill_switch_events ADD COLUMN trading_day TEXT NOT NULL DEFAULT '';
-- When the flatten was complete (no position, no live order), on the engine's clock: the
-- "/flatten within 2 s" gate is read from here. 0: not (yet) flat.
ALTER TABLE kill_switch_events ADD COLUMN flat_ms BIGINT NOT NULL DEFAULT 0;
-- Why the engine is stopped (a kill switch's reason, or 'operator' for a pause): a stop on the
-- day's loss caps ends with the day, an operator's stop carries into the next day.
ALTER TABLE engine_checkpoint ADD COLUMN stop_reason TEXT NOT NULL DEFAULT '';

-- Rows written before this migration: the engine so far ran NSE days, in IST (UTC+05:30, no
-- daylight saving), so a row belongs to the checkpointed day whose IST date its time shares.
-- Rows no checkpoint matches keep '' and count as history of no day.
UPDATE signals SET trading_day = COALESCE((SELECT MAX(c.trading_day) FROM engine_checkpoint c
  WHERE (c.last_event_ms + 19800000) / 86400000 = (signals.time_ms + 19800000) / 86400000), '');
UPDATE decisions SET trading_day = COALESCE((SELECT MAX(c.trading_day) FROM engine_checkpoint c
  WHERE (c.last_event_ms + 19800000) / 86400000 = (decisions.time_ms + 19800000) / 86400000), '');
UPDATE oco_groups SET trading_day = COALESCE((SELECT d.trading_day FROM decisions d
  WHERE d.plan_id = oco_groups.plan_id), '');
UPDATE orders SET trading_day = COALESCE((SELECT d.trading_day FROM decisions d
  WHERE d.plan_id = orders.plan_id), '');
UPDATE fills SET trading_day = COALESCE((SELECT o.trading_day FROM orders o
  WHERE o.client_order_id = fills.client_order_id), '');
UPDATE kill_switch_events SET trading_day = COALESCE((SELECT MAX(c.trading_day)
  FROM engine_checkpoint c WHERE (c.last_event_ms + 19800000) / 86400000 =
  (kill_switch_events.time_ms + 19800000) / 86400000), '');

-- Positions are per day: a day's realized P&L starts at zero, and an open position carries into
-- the next day with its quantity and average price. The one-day table held the latest day.
CREATE TABLE day_positions (
  trading_day      TEXT NOT NULL,
  symbol           TEXT NOT NULL,
  qty              BIGINT NOT NULL,
  avg_price        TEXT NOT NULL,
  realized         TEXT NOT NULL,
  last_price       TEXT NOT NULL,
  units_per_whole  BIGINT NOT NULL,
  PRIMARY KEY (trading_day, symbol)
);
INSERT INTO day_positions
  SELECT COALESCE((SELECT MAX(trading_day) FROM engine_checkpoint), ''), symbol, qty, avg_price,
         realized, last_price, units_per_whole FROM positions;
DROP TABLE positions;
ALTER TABLE day_positions RENAME TO positions;

-- The day's risk timeline, one row per minute with activity: the highest heat seen in the minute
-- against the cap in force, and day P&L (realized + unrealized) and drawdown at its end.
CREATE TABLE risk_samples (
  trading_day  TEXT NOT NULL,
  minute_ms    BIGINT NOT NULL,
  heat         TEXT NOT NULL,
  heat_cap     TEXT NOT NULL,
  day_pnl      TEXT NOT NULL,
  drawdown     TEXT NOT NULL,
  PRIMARY KEY (trading_day, minute_ms)
);

CREATE INDEX signals_by_day ON signals(trading_day);
CREATE INDEX decisions_by_day ON decisions(trading_day);
CREATE INDEX oco_groups_by_day ON oco_groups(trading_day, state);
CREATE INDEX orders_by_day ON orders(trading_day, status);
CREATE INDEX fills_by_day ON fills(trading_day);

DROP VIEW trades;
CREATE VIEW trades AS
  SELECT plan_id, strategy, symbol, side, entry_filled AS qty, entry_notional, exit_notional,
         realized, mae, mfe, opened_ms, closed_ms, config_sha, trading_day
  FROM oco_groups WHERE state = 'CLOSED' AND entry_filled > 0;
