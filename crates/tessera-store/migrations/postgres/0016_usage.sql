-- Daily usage counts of catalog entities, as 1.7's entity_usage: one row per entity and day
-- (YYYY-MM-DD), with the day's count, the sums of the 7 and 30 days up to it, and percentile
-- ranks among the entities of the same type that day (computed on request).
CREATE TABLE entity_usage (
    entity_id    TEXT NOT NULL,
    usage_date   TEXT COLLATE "C" NOT NULL,
    kind         TEXT COLLATE "C" NOT NULL,
    count1       BIGINT NOT NULL,
    count7       BIGINT NOT NULL,
    count30      BIGINT NOT NULL,
    percentile1  DOUBLE PRECISION NOT NULL DEFAULT 0,
    percentile7  DOUBLE PRECISION NOT NULL DEFAULT 0,
    percentile30 DOUBLE PRECISION NOT NULL DEFAULT 0,
    PRIMARY KEY (entity_id, usage_date)
);
-- Percentiles rank the entities of one type on one day.
CREATE INDEX entity_usage_day ON entity_usage (kind, usage_date);
