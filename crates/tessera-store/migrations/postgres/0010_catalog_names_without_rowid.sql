-- SQLite rebuilds catalog_names WITHOUT ROWID in this version. PostgreSQL has no rowid table to
-- drop (the primary key is an index beside the heap): nothing to change.
SELECT 1;
