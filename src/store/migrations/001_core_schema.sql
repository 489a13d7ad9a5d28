-- Core trading schema. Portable SQL: SQLite (embedded) and PostgreSQL share these files.
-- Money and prices are decimal strings written from fixed-point integers; quantities are
-- integer units. Every order, fill and decision carries config_sha and links to its parent:
-- signals -> decisions -> orders -> fills.

CREATE TABLE config_snapshots (
  config_sha      TEXT PRIMARY KEY,
  canonical_json  TEXT NOT NULL,
  first_seen_ms   BIGINT NOT NULL
);

CREATE TABLE signals (
  signal_id    TEXT PRIMARY KEY,
  seq          BIGINT NOT NULL,
  strategy     TEXT NOT NULL,
  symbol       TEXT NOT NULL,
  side         TEXT NOT NULL,
  time_ms      BIGINT NOT NULL,
  entry        TEXT NOT NULL,
  stop         TEXT NOT NULL,
  target       TEXT NOT NULL,
  score        DOUBLE PRECISION NOT NULL,
  momentum     DOUBLE PRECISION NOT NULL,
  trend        DOUBLE PRECISION NOT NULL,
  liquidity    DOUBLE PRECISION NOT NULL,
  regime       DOUBLE PRECISION NOT NULL,
  reward_risk  DOUBLE PRECISION NOT NULL,
  config_sha   TEXT NOT NULL REFERENCES config_snapshots(config_sha)
);

CREATE TABLE decisions (
  plan_id     TEXT PRIMARY KEY,
  signal_id   TEXT NOT NULL REFERENCES signals(signal_id),
  strategy    TEXT NOT NULL,
  symbol      TEXT NOT NULL,
  side        TEXT NOT NULL,
  time_ms     BIGINT NOT NULL,
  qty         BIGINT NOT NULL,
  entry       TEXT NOT NULL,
  stop        TEXT NOT NULL,
  target      TEXT NOT NULL,
  score       DOUBLE PRECISION NOT NULL,
  risk        TEXT NOT NULL,
  config_sha  TEXT NOT NULL REFERENCES config_snapshots(config_sha)
);

CREATE TABLE oco_groups (
  plan_id       TEXT PRIMARY KEY REFERENCES decisions(plan_id),
  strategy      TEXT NOT NULL,
  symbol        TEXT NOT NULL,
  side          TEXT NOT NULL,
  state         TEXT NOT NULL,
  planned_qty   BIGINT NOT NULL,
  entry         TEXT NOT NULL,
  stop          TEXT NOT NULL,
  target        TEXT NOT NULL,
  entry_id      TEXT NOT NULL,
  sl_id         TEXT NOT NULL,
  tp_id         TEXT NOT NULL,
  exit_id       TEXT NOT NULL,
  attempts      TEXT NOT NULL,
  entry_filled  BIGINT NOT NULL,
  net           BIGINT NOT NULL,
  exit_filled   BIGINT NOT NULL,
  entry_notional TEXT NOT NULL,
  exit_notional TEXT NOT NULL,
  realized      TEXT NOT NULL,
  mae           TEXT NOT NULL,
  mfe           TEXT NOT NULL,
  opened_ms     BIGINT NOT NULL,
  closed_ms     BIGINT NOT NULL,
  repriced      INTEGER NOT NULL,
  config_sha    TEXT NOT NULL REFERENCES config_snapshots(config_sha)
);

CREATE TABLE orders (
  client_order_id  TEXT PRIMARY KEY,
  plan_id          TEXT NOT NULL REFERENCES decisions(plan_id),
  parent_id        TEXT NOT NULL,
  role             TEXT NOT NULL,
  attempt          INTEGER NOT NULL,
  symbol           TEXT NOT NULL,
  side             TEXT NOT NULL,
  order_type       TEXT NOT NULL,
  qty              BIGINT NOT NULL,
  limit_price      TEXT NOT NULL,
  trigger_price    TEXT NOT NULL,
  status           TEXT NOT NULL,
  venue_order_id   TEXT NOT NULL,
  filled           BIGINT NOT NULL,
  filled_notional  TEXT NOT NULL,
  reason           TEXT NOT NULL,
  created_ms       BIGINT NOT NULL,
  sent_ms          BIGINT NOT NULL,
  acked_ms         BIGINT NOT NULL,
  updated_ms       BIGINT NOT NULL,
  send_count       INTEGER NOT NULL,
  cancel_requested INTEGER NOT NULL,
  config_sha       TEXT NOT NULL REFERENCES config_snapshots(config_sha)
);
CREATE INDEX orders_by_plan ON orders(plan_id);

CREATE TABLE fills (
  fill_id          TEXT PRIMARY KEY,
  client_order_id  TEXT NOT NULL REFERENCES orders(client_order_id),
  plan_id          TEXT NOT NULL REFERENCES decisions(plan_id),
  symbol           TEXT NOT NULL,
  side             TEXT NOT NULL,
  role             TEXT NOT NULL,
  qty              BIGINT NOT NULL,
  price            TEXT NOT NULL,
  time_ms          BIGINT NOT NULL,
  config_sha       TEXT NOT NULL REFERENCES config_snapshots(config_sha)
);

CREATE TABLE positions (
  symbol           TEXT PRIMARY KEY,
  qty              BIGINT NOT NULL,
  avg_price        TEXT NOT NULL,
  realized         TEXT NOT NULL,
  last_price       TEXT NOT NULL,
  units_per_whole  BIGINT NOT NULL
);

CREATE TABLE risk_events (
  id          BIGINT PRIMARY KEY,
  time_ms     BIGINT NOT NULL,
  kind        TEXT NOT NULL,
  check_name  TEXT NOT NULL,
  reason      TEXT NOT NULL,
  symbol      TEXT NOT NULL,
  plan_id     TEXT NOT NULL,
  config_sha  TEXT NOT NULL
);

CREATE TABLE engine_checkpoint (
  trading_day    TEXT PRIMARY KEY,
  last_event_ms  BIGINT NOT NULL,
  state          TEXT NOT NULL,
  peak           TEXT NOT NULL,
  signal_seq     BIGINT NOT NULL,
  decisions      INTEGER NOT NULL,
  tightened      INTEGER NOT NULL,
  flattened      INTEGER NOT NULL
);

-- A closed bracket with an entry fill is a trade.
CREATE VIEW trades AS
  SELECT plan_id, strategy, symbol, side, entry_filled AS qty, entry_notional, exit_notional,
         realized, mae, mfe, opened_ms, closed_ms, config_sha
  FROM oco_groups WHERE state = 'CLOSED' AND entry_filled > 0;
