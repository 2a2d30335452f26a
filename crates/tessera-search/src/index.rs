//! One replica's index: opened from a directory (or kept in memory), written in batches that each
//! commit with the change-feed position they reach, searched through a reader reloaded after every
//! commit. The position lives in the commit's payload, so a restart resumes where the last commit
//! ended and an index of another schema version or a half-finished rebuild is started over.

use crate::document::{IndexedEntity, document};
use crate::request::{Hit, Hits, SearchRequest, SortField};
use crate::schema::{Fields, SCHEMA_VERSION};
use crate::{SearchError, query};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tantivy::collector::{Count, TopDocs};
use tantivy::schema::Value as _;
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Searcher, TantivyDocument, Term};

/// The writer's memory budget: batches are small, so the minimum tantivy allows is plenty.
const WRITER_MEMORY: usize = 15_000_000;

/// Where the index stands, saved with every commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    /// Every change-feed entry up to this `seq` is in the index.
    pub seq: i64,
    /// False while a rebuild is under way (an interrupted one starts over).
    pub complete: bool,
    /// The entity id of the feed's entry at `seq` (`""` when unknown): an index that meets
    /// another database, whose entry there differs, is rebuilt.
    pub anchor: String,
}

/// One write to the index: entities to (re)index, ids to drop, and the position reached.
#[derive(Default)]
pub struct Batch<'a> {
    pub upserts: Vec<IndexedEntity<'a>>,
    pub deletes: Vec<String>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").field("directory", &self.directory).finish_non_exhaustive()
    }
}

pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    /// `None` in memory.
    directory: Option<PathBuf>,
}

impl SearchIndex {
    /// An index in memory: built from the database at every start.
    pub fn in_memory() -> Result<SearchIndex, SearchError> {
        let (schema, _) = Fields::schema();
        Self::over(Index::create_in_ram(schema), None)
    }

    /// The index in `directory`, created when missing; one of another schema version is
    /// removed and created anew (the database holds everything it is built from).
    pub fn open(directory: &Path) -> Result<SearchIndex, SearchError> {
        let (schema, _) = Fields::schema();
        std::fs::create_dir_all(directory).map_err(|e| SearchError::io(directory, e))?;
        let existing = Index::open_in_dir(directory).ok();
        let index = match existing {
            Some(index) if index.schema() == schema => index,
            Some(_) => {
                tracing::warn!(directory = %directory.display(), "search index of another version: rebuilding it");
                std::fs::remove_dir_all(directory).map_err(|e| SearchError::io(directory, e))?;
                std::fs::create_dir_all(directory).map_err(|e| SearchError::io(directory, e))?;
                Index::create_in_dir(directory, schema)?
            }
            None => Index::create_in_dir(directory, schema).or_else(|_| {
                // Files that are not an index (an interrupted first creation): start clean.
                std::fs::remove_dir_all(directory).map_err(|e| SearchError::io(directory, e))?;
                std::fs::create_dir_all(directory).map_err(|e| SearchError::io(directory, e))?;
                Index::create_in_dir(directory, Fields::schema().0).map_err(SearchError::from)
            })?,
        };
        Self::over(index, Some(directory.to_path_buf()))
    }

    fn over(index: Index, directory: Option<PathBuf>) -> Result<SearchIndex, SearchError> {
        let (_, fields) = Fields::schema();
        let writer = index.writer_with_num_threads(1, WRITER_MEMORY).map_err(|e| match e {
            tantivy::TantivyError::LockFailure(..) => {
                SearchError::Locked(directory.as_ref().map(|d| d.display().to_string()).unwrap_or_default())
            }
            other => other.into(),
        })?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok(SearchIndex { index, reader, writer: Mutex::new(writer), fields, directory })
    }

    /// Where the last commit left the index (`None`: never built, or by another version).
    pub fn position(&self) -> Option<Position> {
        let payload = self.index.load_metas().ok()?.payload?;
        let mut parts = payload.splitn(4, ':');
        let (version, seq, complete, anchor) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        if version.parse::<u32>().ok()? != SCHEMA_VERSION {
            return None;
        }
        Some(Position { seq: seq.parse().ok()?, complete: complete == "complete", anchor: anchor.to_string() })
    }

    /// Applies a batch and commits it at `position` (blocking: call from a blocking thread).
    pub fn apply(&self, batch: Batch<'_>, position: Position) -> Result<(), SearchError> {
        let mut writer = self.writer.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        for id in batch.deletes.iter().map(String::as_str).chain(batch.upserts.iter().map(|e| e.id)) {
            writer.delete_term(Term::from_field_text(self.fields.id, id));
        }
        for entity in &batch.upserts {
            writer.add_document(document(&self.fields, entity))?;
        }
        let mut commit = writer.prepare_commit()?;
        let state = if position.complete { "complete" } else { "partial" };
        commit.set_payload(&format!("{SCHEMA_VERSION}:{}:{state}:{}", position.seq, position.anchor));
        commit.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    /// Removes every document (the start of a rebuild; committed with the next batch).
    pub fn clear(&self) -> Result<(), SearchError> {
        let writer = self.writer.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        writer.delete_all_documents()?;
        Ok(())
    }

    /// Documents in the index and bytes on disk (0 in memory).
    pub fn stats(&self) -> (u64, u64) {
        let docs = self.reader.searcher().num_docs();
        let bytes = self.directory.as_deref().map(directory_size).unwrap_or(0);
        (docs, bytes)
    }

    /// Runs a search (blocking: call from a blocking thread).
    pub fn search(&self, request: &SearchRequest<'_>) -> Result<Hits, SearchError> {
        let query = query::build(&self.fields, request)?;
        let searcher = self.reader.searcher();
        let total = searcher.search(&query, &Count)?;
        if request.size == 0 || request.from >= total {
            return Ok(Hits { total, hits: Vec::new() });
        }
        let top = TopDocs::with_limit(request.size).and_offset(request.from);
        let order = if request.sort.descending { Order::Desc } else { Order::Asc };
        let hits: Vec<Result<Hit, SearchError>> = match request.sort.field {
            SortField::Score => {
                let found = searcher.search(&query, &top.order_by_score())?;
                found.into_iter().map(|(score, at)| self.hit(&searcher, at, Some(score), score.to_string())).collect()
            }
            SortField::FullyQualifiedName | SortField::Name => {
                let field = if request.sort.field == SortField::Name { "name" } else { "fqn" };
                let found = searcher.search(&query, &top.order_by_string_fast_field(field, order))?;
                found.into_iter().map(|(key, at)| self.hit(&searcher, at, None, key.unwrap_or_default())).collect()
            }
            SortField::UpdatedAt => {
                let found = searcher.search(&query, &top.order_by_fast_field::<i64>("updated_at", order))?;
                found
                    .into_iter()
                    .map(|(key, at)| self.hit(&searcher, at, None, key.unwrap_or_default().to_string()))
                    .collect()
            }
        };
        Ok(Hits { total, hits: hits.into_iter().collect::<Result<_, _>>()? })
    }

    fn hit(&self, searcher: &Searcher, at: DocAddress, score: Option<f32>, sort: String) -> Result<Hit, SearchError> {
        let doc: TantivyDocument = searcher.doc(at)?;
        let id = doc.get_first(self.fields.id).and_then(|v| v.as_str()).unwrap_or_default().to_string();
        Ok(Hit { id, score, sort })
    }
}

fn directory_size(directory: &Path) -> u64 {
    std::fs::read_dir(directory)
        .map(|entries| {
            entries.flatten().filter_map(|e| e.metadata().ok()).filter(|m| m.is_file()).map(|m| m.len()).sum()
        })
        .unwrap_or(0)
}
