-- The part of a cell's active time that a collector measured (uptake.js), so figures say whether
-- their time is measured or estimated. Cells written before hold 0 until their workspace is reprocessed.
ALTER TABLE usage_daily ADD COLUMN measured_ms bigint NOT NULL DEFAULT 0;
