//! `tessera reindex`: rebuilds this replica's search index from the database, e.g. after
//! restoring a backup of the data directory without its index, or to reclaim its space.

use anyhow::Context;
use std::process::ExitCode;
use tessera_config::Config;

pub fn run(config: Config) -> anyhow::Result<ExitCode> {
    crate::logging::init(&config.log);
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    runtime.block_on(async {
        let store = tessera_store::Store::connect(&config.database).await?;
        store.check_schema_not_newer().await?;
        if store.schema_version().await? < tessera_store::LATEST_SCHEMA_VERSION {
            anyhow::bail!(
                "the database has not been set up yet; start `tessera serve` (or run `tessera migrate`) first"
            );
        }
        let directory = tessera::wire::search_index_dir(&config.data_dir);
        let index = tessera_catalog::SearchIndex::open(&directory).map_err(|e| {
            anyhow::anyhow!("{e}; stop the Tessera server on this data directory, then run reindex again")
        })?;
        let keys = tessera_auth::SigningKeys::load_or_generate(&config.jwt, &config.data_dir)?;
        let fernet_key = config.fernet_key.as_ref().map(|k| k.expose());
        let catalog = tessera_catalog::Catalog::new(store.clone(), tessera_auth::secret_box(fernet_key, &keys), index);
        let started = std::time::Instant::now();
        let count = catalog.search_feed().rebuild(&store).await.context("rebuilding the search index")?;
        let (_, bytes) = catalog.search_feed().index().stats();
        println!(
            "search index in {} rebuilt: {count} entities, {:.1} MB, {:.1} s",
            directory.display(),
            bytes as f64 / 1e6,
            started.elapsed().as_secs_f64()
        );
        store.close().await;
        Ok(ExitCode::SUCCESS)
    })
}
