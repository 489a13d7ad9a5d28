-- The embedded simulated venue's own journal (the venue side of the wire), so that a restarted
-- paper session finds the venue's orders and fills where a real venue would still hold them.
CREATE TABLE sim_venue_orders (
  client_order_id  TEXT PRIMARY KEY,
  state_json       TEXT NOT NULL
);
CREATE TABLE sim_venue_meta (
  key    TEXT PRIMARY KEY,
  value  TEXT NOT NULL
);
