-- Processing adds to usage cells in place, batch after batch. With room left on each page,
-- PostgreSQL writes the new version of a row beside the old one and leaves the indexes alone
-- (a heap-only update); a full page makes every update a new index entry in each index.
ALTER TABLE usage_daily SET (fillfactor = 70);
ALTER TABLE sessions SET (fillfactor = 80);
