-- The trading day of each risk event, so the reconcile report can list "the risk events of the
-- day" on a database that holds many days (PostgreSQL in production).
ALTER TABLE risk_events ADD COLUMN trading_day TEXT NOT NULL DEFAULT '';
CREATE INDEX risk_events_by_day ON risk_events(trading_day);
