//! `GET /api/v1/openapi.json`: an OpenAPI 3 document of every API route, built from the same
//! declarations as the router, each operation saying who may call it (`x-tessera-access`, and
//! `security` for the ones that need a token). The original serves `/swagger.json`.

use crate::route::Access::Public;
use crate::route::{Access, Declaration, Route, get};
use axum::Json;
use serde_json::{Map, Value, json};

pub fn routes() -> Vec<Route> {
    vec![get("/api/v1/openapi.json", Public, || async { Json(document(&crate::route::declarations())) })]
}

/// The document for `declarations` (API routes only: the web UI's pages are not an API).
pub fn document(declarations: &[Declaration]) -> Value {
    let mut paths = Map::new();
    for declaration in declarations.iter().filter(|d| d.path.starts_with("/api/")) {
        let entry = paths.entry(declaration.path.clone()).or_insert_with(|| json!({}));
        entry[declaration.method.as_str().to_ascii_lowercase()] = operation(declaration);
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Tessera",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "OpenMetadata 1.7 compatible API. Each operation's x-tessera-access says who may call it.",
        },
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
        "paths": paths,
    })
}

fn operation(declaration: &Declaration) -> Value {
    let parameters: Vec<Value> = declaration
        .path
        .split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
        .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
        .collect();
    let mut responses = json!({"200": {"description": "the answer"}});
    if declaration.access != Public {
        responses["401"] = json!({"description": "no valid token"});
        responses["403"] = json!({"description": "not allowed"});
    }
    let security = if declaration.access == Public { json!([]) } else { json!([{"bearer": []}]) };
    json!({
        "operationId": format!("{} {}", declaration.method, declaration.path),
        "summary": summary(declaration.access),
        "x-tessera-access": declaration.access.describe(),
        "security": security,
        "parameters": parameters,
        "responses": responses,
    })
}

fn summary(access: Access) -> String {
    format!("Access: {}", access.describe())
}
