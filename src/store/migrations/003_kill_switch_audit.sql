-- Audit trail of the kill switch: one row per flatten (operator or automatic trigger), with the
-- open risk, positions and working orders at that moment.
CREATE TABLE kill_switch_events (
  id              BIGINT PRIMARY KEY,
  time_ms         BIGINT NOT NULL,
  reason          TEXT NOT NULL,
  source          TEXT NOT NULL CHECK (source IN ('operator', 'auto')),
  detail          TEXT NOT NULL,
  open_risk       TEXT NOT NULL,
  positions       BIGINT NOT NULL,
  working_orders  BIGINT NOT NULL,
  config_sha      TEXT NOT NULL
);
