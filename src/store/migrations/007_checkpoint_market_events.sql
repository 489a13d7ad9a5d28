-- How many market-data events (ticks and bar closes) of its day the engine had consumed at the
-- checkpoint. Several events share one instant (a bar's first tick and the previous bar's close,
-- the symbols' ticks), so the time alone cannot say where a replay stopped between them.
-- -1: written before this column; such a day resumes after its checkpoint's time.
ALTER TABLE engine_checkpoint ADD COLUMN market_events BIGINT NOT NULL DEFAULT -1;
