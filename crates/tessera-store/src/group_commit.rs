//! SQLite's group commit. SQLite has one writer at a time, and every transaction costs a BEGIN,
//! a COMMIT, a WAL append of every page it touched and hand-offs to the connection's worker
//! thread. Writers therefore queue their [`WriteSet`]s here; whoever gets the one writer
//! connection next commits everything queued by then in a single transaction and answers each
//! write after the COMMIT (so a reply still means "stored"). Under no contention a batch is one
//! write and this costs what a plain transaction does.
//!
//! If any write of a batch fails (a unique key or a version check lost to another write of the
//! same batch), the batch is rolled back and each write runs again in a transaction of its own,
//! so one write's failure never fails another's.

use crate::write::{WriteSet, run_sqlite};
use crate::{Store, StoreError};
use sqlx::pool::PoolConnection;
use sqlx::{Connection, Sqlite, SqlitePool};
use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::oneshot;

/// A batch stops growing here, so one COMMIT's WAL append and latency stay bounded.
const MAX_BATCH: usize = 64;

type Answer = Result<Vec<u64>, StoreError>;

pub(crate) struct GroupCommit {
    /// A pool of exactly one connection: its acquire queue is the writers' line, and its page
    /// cache stays warm because no other connection writes the catalog.
    writer: SqlitePool,
    queue: Mutex<Queue>,
    /// Transactions committed and the writes they carried (the batch size is their ratio).
    commits: AtomicU64,
    writes: AtomicU64,
}

#[derive(Default)]
struct Queue {
    next_id: u64,
    waiting: VecDeque<Pending>,
}

struct Pending {
    id: u64,
    write: WriteSet,
    reply: oneshot::Sender<Answer>,
}

impl std::fmt::Debug for GroupCommit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GroupCommit").finish_non_exhaustive()
    }
}

impl GroupCommit {
    pub fn new(writer: SqlitePool) -> Self {
        Self { writer, queue: Mutex::new(Queue::default()), commits: AtomicU64::new(0), writes: AtomicU64::new(0) }
    }

    /// `(transactions committed, writes they carried)` since start.
    pub fn stats(&self) -> (u64, u64) {
        (self.commits.load(Ordering::Relaxed), self.writes.load(Ordering::Relaxed))
    }

    pub async fn close(&self) {
        self.writer.close().await;
    }

    /// Queues `write` and returns once it is committed (or has failed).
    pub async fn submit(&self, store: &Store, write: WriteSet) -> Answer {
        let (reply, mut answer) = oneshot::channel();
        let id = {
            let mut queue = self.lock();
            queue.next_id += 1;
            let id = queue.next_id;
            queue.waiting.push_back(Pending { id, write, reply });
            id
        };
        // A caller that gives up (its request was cancelled) takes back a write nobody started.
        let _withdraw = Withdraw { group: self, id };
        loop {
            let connection = match self.writer.acquire().await {
                Ok(connection) => connection,
                Err(e) if self.withdraw(id) => return Err(store.unavailable(e)),
                // A leader has taken it meanwhile: its answer is coming.
                Err(_) => return answer.await.unwrap_or_else(|_| Err(interrupted(store))),
            };
            if let Some(result) = ready(&mut answer, store) {
                return result;
            }
            let batch = self.take_batch();
            // Spawned so that the batch completes even if this caller is cancelled meanwhile.
            let leader = tokio::spawn(lead(store.clone(), connection, batch));
            let _ = leader.await;
            if let Some(result) = ready(&mut answer, store) {
                return result;
            }
            // More than a batch was queued ahead of this write: take the connection again.
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn take_batch(&self) -> Vec<Pending> {
        let mut queue = self.lock();
        let n = queue.waiting.len().min(MAX_BATCH);
        queue.waiting.drain(..n).collect()
    }

    /// Removes a write no leader has taken; false if one has.
    fn withdraw(&self, id: u64) -> bool {
        let mut queue = self.lock();
        let before = queue.waiting.len();
        queue.waiting.retain(|p| p.id != id);
        queue.waiting.len() != before
    }
}

struct Withdraw<'a> {
    group: &'a GroupCommit,
    id: u64,
}

impl Drop for Withdraw<'_> {
    fn drop(&mut self) {
        self.group.withdraw(self.id);
    }
}

fn ready(answer: &mut oneshot::Receiver<Answer>, store: &Store) -> Option<Answer> {
    match answer.try_recv() {
        Ok(result) => Some(result),
        Err(oneshot::error::TryRecvError::Empty) => None,
        Err(oneshot::error::TryRecvError::Closed) => Some(Err(interrupted(store))),
    }
}

fn interrupted(store: &Store) -> StoreError {
    StoreError::Unavailable {
        target: store.target.clone(),
        reason: "the write was interrupted before its outcome was known; read the entity to see whether it was stored"
            .into(),
    }
}

/// Commits `batch` as one transaction, or each write alone if the batch fails.
async fn lead(store: Store, mut connection: PoolConnection<Sqlite>, batch: Vec<Pending>) {
    match commit(&store, &mut connection, batch.iter().map(|p| &p.write)).await {
        Ok(mut answers) => {
            for pending in batch.into_iter().rev() {
                let _ = pending.reply.send(Ok(answers.pop().unwrap_or_default()));
            }
        }
        Err(error) if batch.len() == 1 => {
            let _ = batch.into_iter().next().map(|p| p.reply.send(Err(error)));
        }
        Err(_) => {
            for pending in batch {
                let answer = commit(&store, &mut connection, std::iter::once(&pending.write)).await;
                let _ = pending.reply.send(answer.map(|mut a| a.pop().unwrap_or_default()));
            }
        }
    }
}

/// One transaction over `writes`; the rows each statement changed, per write.
async fn commit<'w>(
    store: &Store,
    connection: &mut PoolConnection<Sqlite>,
    writes: impl Iterator<Item = &'w WriteSet>,
) -> Result<Vec<Vec<u64>>, StoreError> {
    // IMMEDIATE takes the write lock up front (waiting in the busy handler for the other
    // connections' occasional writes) instead of failing on a lock upgrade.
    let mut tx = connection.begin_with("BEGIN IMMEDIATE").await.map_err(|e| store.classify(e))?;
    let mut answers = Vec::new();
    for write in writes {
        answers.push(run_sqlite(&mut tx, write, store).await?);
    }
    tx.commit().await.map_err(|e| store.classify(e))?;
    if let Some(group) = &store.group_commit {
        group.commits.fetch_add(1, Ordering::Relaxed);
        group.writes.fetch_add(answers.len() as u64, Ordering::Relaxed);
    }
    Ok(answers)
}
