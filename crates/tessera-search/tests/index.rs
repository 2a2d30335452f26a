//! The index on its own: documents in, the lineage workflow's filter, free text, sorting and
//! `search_after` paging, positions kept across a reopen.

use serde_json::{Value, json};
use tessera_search::{
    Batch, Filter, IndexedEntity, Position, SearchIndex, SearchRequest, Sort, SortField, parse_filter,
};

struct Doc {
    id: String,
    fqn: String,
    name: String,
    json: Value,
}

fn table(n: usize, name: &str, table_type: &str, extra: Value) -> Doc {
    let fqn = format!("svc.db.main.{name}");
    let mut json = json!({"id": format!("id-{n}"), "name": name, "fullyQualifiedName": fqn, "deleted": false,
        "tableType": table_type, "service": {"name": "svc", "type": "databaseService"},
        "columns": [{"name": "customer_id", "dataType": "INT"}]});
    for (k, v) in extra.as_object().unwrap() {
        json[k] = v.clone();
    }
    Doc { id: format!("id-{n}"), fqn, name: name.into(), json }
}

fn apply(index: &SearchIndex, docs: &[Doc], seq: i64) {
    let upserts = docs
        .iter()
        .map(|d| IndexedEntity {
            id: &d.id,
            kind: "table",
            fqn: &d.fqn,
            name: &d.name,
            updated_at: 1,
            deleted: false,
            json: &d.json,
        })
        .collect();
    index
        .apply(Batch { upserts, deletes: vec![] }, Position { seq, complete: true, anchor: format!("a{seq}") })
        .unwrap();
}

fn names(
    index: &SearchIndex,
    docs: &[Doc],
    text: &str,
    filter: &Filter,
    sort: Sort,
    after: Option<&str>,
    size: usize,
) -> Vec<String> {
    let request = SearchRequest {
        text,
        kinds: &["table"],
        deleted: Some(false),
        filter,
        sort,
        search_after: after,
        from: 0,
        size,
    };
    let name = |id: &str| docs.iter().find(|d| d.id == id).unwrap().name.clone();
    index.search(&request).unwrap().hits.into_iter().map(|h| name(&h.id)).collect()
}

const BY_FQN: Sort = Sort { field: SortField::FullyQualifiedName, descending: false };

#[test]
fn the_lineage_workflow_finds_unprocessed_views_page_by_page() {
    let index = SearchIndex::in_memory().unwrap();
    let view = |n, name: &str, extra: Value| table(n, name, "View", extra);
    let sql = json!({"schemaDefinition": "CREATE VIEW v AS SELECT 1"});
    let docs = [
        view(1, "v_one", sql.clone()),
        view(2, "v_two", json!({"schemaDefinition": "x", "processedLineage": false})),
        view(3, "v_done", json!({"schemaDefinition": "x", "processedLineage": true})),
        view(4, "v_nodef", json!({})),
        table(5, "orders", "Regular", sql.clone()),
        view(6, "v_three", sql),
    ];
    apply(&index, &docs, 6);
    let filter = parse_filter(Some(
        r#"{"query":{"bool":{"must":[{"bool":{"should":[{"term":{"service.name.keyword":"svc"}}]}},
        {"bool":{"must":[{"bool":{"should":[{"term":{"tableType":"View"}},{"term":{"tableType":"MaterializedView"}}]}}]}},
        {"bool":{"should":[{"term":{"deleted":false}}]}},{"bool":{"should":[{"exists":{"field":"schemaDefinition"}}]}},
        {"bool":{"should":[{"term":{"processedLineage":false}},{"bool":{"must_not":{"exists":{"field":"processedLineage"}}}}]}}]}}}"#,
    ))
    .unwrap();
    assert_eq!(names(&index, &docs, "", &filter, BY_FQN, None, 100), ["v_one", "v_three", "v_two"]);
    // Page by page with search_after, as the client does.
    let mut paged = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let request = SearchRequest {
            text: "",
            kinds: &["table"],
            deleted: Some(false),
            filter: &filter,
            sort: BY_FQN,
            search_after: after.as_deref(),
            from: 0,
            size: 2,
        };
        let page = index.search(&request).unwrap();
        assert_eq!(page.total, if after.is_none() { 3 } else { page.total });
        let Some(last) = page.hits.last() else { break };
        after = Some(last.sort.clone());
        paged.extend(page.hits.iter().map(|h| h.sort.clone()));
    }
    assert_eq!(paged, ["svc.db.main.v_one", "svc.db.main.v_three", "svc.db.main.v_two"]);
    // Descending continues downwards.
    let desc = Sort { field: SortField::FullyQualifiedName, descending: true };
    assert_eq!(names(&index, &docs, "", &filter, desc, Some("svc.db.main.v_two"), 10), ["v_three", "v_one"]);
}

#[test]
fn free_text_ranks_whole_names_then_word_prefixes_then_other_fields() {
    let index = SearchIndex::in_memory().unwrap();
    let docs = [
        table(1, "big_orders", "Regular", json!({})),
        table(2, "orders", "Regular", json!({})),
        table(3, "customers", "Regular", json!({"description": "Who placed the orders"})),
        table(4, "ordinals", "Regular", json!({})),
    ];
    apply(&index, &docs, 4);
    let score = Sort { field: SortField::Score, descending: true };
    assert_eq!(names(&index, &docs, "orders", &Filter::All, score, None, 10)[..2], ["orders", "big_orders"]);
    assert_eq!(names(&index, &docs, "orders", &Filter::All, score, None, 10).len(), 3, "the description's word too");
    assert_eq!(names(&index, &docs, "ORD*", &Filter::All, BY_FQN, None, 10), ["big_orders", "orders", "ordinals"]);
    assert_eq!(names(&index, &docs, "placed", &Filter::All, BY_FQN, None, 10), ["customers"]);
    assert_eq!(names(&index, &docs, "customer_id", &Filter::All, BY_FQN, None, 10).len(), 4, "column words");
    let wildcard = parse_filter(Some(r#"{"wildcard":{"fullyQualifiedName":"svc.*.ord*"}}"#)).unwrap();
    assert_eq!(names(&index, &docs, "", &wildcard, BY_FQN, None, 10), ["orders", "ordinals"]);
    let matched = parse_filter(Some(r#"{"match":{"description":"orders"}}"#)).unwrap();
    assert_eq!(names(&index, &docs, "", &matched, BY_FQN, None, 10), ["customers"]);
    let refused = SearchRequest {
        text: "",
        kinds: &["table"],
        deleted: None,
        filter: &parse_filter(Some(r#"{"match":{"columns.dataType":"INT"}}"#)).unwrap(),
        sort: BY_FQN,
        search_after: None,
        from: 0,
        size: 10,
    };
    assert!(index.search(&refused).unwrap_err().to_string().contains("match on columns.dataType is not supported"));
}

#[test]
fn a_reopened_index_keeps_its_documents_and_position() {
    let dir = tempfile::tempdir().unwrap();
    {
        let index = SearchIndex::open(dir.path()).unwrap();
        assert_eq!(index.position(), None);
        let docs = [table(1, "orders", "Regular", json!({}))];
        apply(&index, &docs, 42);
        assert!(SearchIndex::open(dir.path()).unwrap_err().to_string().contains("in use by another Tessera process"));
    }
    let index = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(index.position(), Some(Position { seq: 42, complete: true, anchor: "a42".into() }));
    assert_eq!(index.stats().0, 1);
    assert!(index.stats().1 > 0);
    // An update replaces the document; a delete removes it.
    let docs = [table(1, "orders", "View", json!({}))];
    apply(&index, &docs, 43);
    assert_eq!(index.stats().0, 1);
    let views = parse_filter(Some(r#"{"term":{"tableType":"View"}}"#)).unwrap();
    assert_eq!(names(&index, &docs, "", &views, BY_FQN, None, 10), ["orders"]);
    index
        .apply(
            Batch { upserts: vec![], deletes: vec!["id-1".into()] },
            Position { seq: 44, complete: true, anchor: String::new() },
        )
        .unwrap();
    assert_eq!(index.stats().0, 0);
}
