-- catalog_versions now holds only superseded versions: the current one lives in catalog_entities
-- alone, so a new entity is written once (half the bytes of a table's creation) and an update
-- moves the old document into the history. Drop the copies of current versions.
DELETE FROM catalog_versions
WHERE EXISTS (
    SELECT 1 FROM catalog_entities e WHERE e.id = catalog_versions.entity_id AND e.version = catalog_versions.version
);
