-- Fencing for the Redis leader lease: every write transaction of a leader first raises this
-- token to its own lease's token, and fails if a newer leader has already written a higher one.
-- A stale leader can therefore persist nothing, and so (persist before send) send nothing.
CREATE TABLE leader_fence (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  token        BIGINT NOT NULL,
  instance_id  TEXT NOT NULL,
  updated_ms   BIGINT NOT NULL
);
INSERT INTO leader_fence VALUES (1, 0, '', 0);
-- Batches written to a local outage journal while the database was unreachable, once replayed
-- into it: the replay records (journal, seq) in the same transaction, so a crash in the middle of
-- a replay never applies a batch twice.
CREATE TABLE journal_applied (
  journal_id  TEXT NOT NULL,
  seq         BIGINT NOT NULL,
  PRIMARY KEY (journal_id, seq)
);
