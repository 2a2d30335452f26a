-- Which columns and tables queries join, per day, as 1.7 keeps them: one row per unordered pair
-- (the alphabetically first FQN in from_fqn) and day; kind 'column' pairs column FQNs, 'table'
-- pairs table FQNs. A table's `joins` sums the pairs naming it or its columns over 30 days.
-- Keyed by FQN as 1.7 keys them; a pair's days older than 30 go when the pair is written.
CREATE TABLE table_joins (
    kind       TEXT COLLATE "C" NOT NULL,
    from_fqn   TEXT COLLATE "C" NOT NULL,
    to_fqn     TEXT COLLATE "C" NOT NULL,
    join_date  TEXT COLLATE "C" NOT NULL,
    join_count BIGINT NOT NULL,
    PRIMARY KEY (kind, from_fqn, to_fqn, join_date)
);
-- A table's joins are found from either side of the pair.
CREATE INDEX table_joins_to ON table_joins (kind, to_fqn);

-- Query cost records (1.7 queryCostRecord): what running a query cost at a time. Gone with the
-- query's row (hard delete).
CREATE TABLE query_cost_records (
    id        TEXT PRIMARY KEY NOT NULL,
    query_id  TEXT NOT NULL REFERENCES catalog_entities (id) ON DELETE CASCADE,
    timestamp BIGINT NOT NULL,
    body      TEXT NOT NULL
);
CREATE INDEX query_cost_records_by_query ON query_cost_records (query_id, timestamp);
