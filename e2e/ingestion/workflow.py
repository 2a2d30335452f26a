#!/usr/bin/env python3
"""Writes a `metadata ingest` workflow for a SQLite or PostgreSQL source and Tessera, as an
operator would.

    python3 e2e/ingestion/workflow.py OUT.yaml --server http://127.0.0.1:8585 --token-file FILE \
        --service NAME --source PATH|postgresql://USER@HOST:PORT/DB [--database LABEL]
        [--lineage [--query-log] | --usage STAGE_DIR] [--pipeline NAME --run-id UUID]

`jwtToken` names a file: the client reads the token from it, so the token never sits in the YAML.
With --lineage it is the view-lineage workflow (`<type>-lineage`, `DatabaseLineage`) instead of the
metadata one; --query-log adds lineage from the queries in `pg_stat_statements` (PostgreSQL).
With --usage it is the usage workflow (`postgres-usage`, `DatabaseUsage`, run with `metadata
usage`): the query log from `pg_stat_statements`, staged as files in STAGE_DIR, then published as
queries, usage counts and joins. With --pipeline the run records its status on ingestion pipeline
`<service>.<pipeline>`.
"""

import argparse
import json
from urllib.parse import unquote, urlparse


def connection(args: argparse.Namespace) -> tuple[str, dict]:
    """The source type and its connection config."""
    if args.source.startswith(("postgresql://", "postgres://")):
        url = urlparse(args.source)
        config = {
            "type": "Postgres",
            "username": unquote(url.username or "postgres"),
            "hostPort": f"{url.hostname}:{url.port or 5432}",
            "database": url.path.lstrip("/"),
        }
        if url.password:
            # Sent in clear text on purpose: Tessera must encrypt it at rest and mask it on reads.
            config["authType"] = {"password": unquote(url.password)}
        return "postgres", config
    # The client needs a database label for SQLite; the file is databaseMode.
    return "sqlite", {"type": "SQLite", "database": args.database, "databaseMode": args.source}


def only_this_database(config: dict) -> str:
    """pg_stat_statements holds every database's queries: a condition keeping this one's, as an
    operator of a shared server would set it (the client prefixes it with "s.")."""
    return "dbid = (SELECT oid FROM pg_database WHERE datname = '{}')".format(config["database"].replace("'", "''"))


def source_config(source_type: str, config: dict, args: argparse.Namespace) -> dict:
    if args.lineage:
        lineage = {"type": "DatabaseLineage", "processViewLineage": True, "processQueryLineage": False}
        if args.query_log:
            if source_type != "postgres":
                raise SystemExit("--query-log needs a PostgreSQL source (the query log is pg_stat_statements)")
            lineage["processQueryLineage"] = True
            lineage["filterCondition"] = only_this_database(config)
        return lineage
    config = {"type": "DatabaseMetadata"}
    if source_type == "postgres":
        # Otherwise the client also walks information_schema and pg_catalog: hundreds of tables.
        config["schemaFilterPattern"] = {"includes": ["^public$"]}
    return config


def server_config(args: argparse.Namespace) -> dict:
    return {
        "loggerLevel": "INFO",
        "openMetadataServerConfig": {
            "hostPort": f"{args.server.rstrip('/')}/api",
            "authProvider": "openmetadata",
            "securityConfig": {"jwtToken": args.token_file},
        },
    }


def usage_workflow(args: argparse.Namespace, source_type: str, config: dict) -> dict:
    """The usage workflow's source, processor, stage and bulk sink."""
    if source_type != "postgres":
        raise SystemExit("--usage needs a PostgreSQL source (the query log is pg_stat_statements)")
    return {
        "source": {
            "type": "postgres-usage",
            "serviceName": args.service,
            "serviceConnection": {"config": config},
            "sourceConfig": {
                "config": {"type": "DatabaseUsage", "queryLogDuration": 1, "filterCondition": only_this_database(config)}
            },
        },
        "processor": {"type": "query-parser", "config": {}},
        "stage": {"type": "table-usage", "config": {"filename": args.usage}},
        "bulkSink": {"type": "metadata-usage", "config": {"filename": args.usage}},
    }


def workflow(args: argparse.Namespace) -> dict:
    source_type, config = connection(args)
    if args.usage:
        doc = usage_workflow(args, source_type, config)
        doc["workflowConfig"] = server_config(args)
        return doc
    doc = {
        "source": {
            "type": f"{source_type}-lineage" if args.lineage else source_type,
            "serviceName": args.service,
            "serviceConnection": {"config": config},
            "sourceConfig": {"config": source_config(source_type, config, args)},
        },
        "sink": {"type": "metadata-rest", "config": {}},
        "workflowConfig": server_config(args),
    }
    if args.pipeline:
        doc["ingestionPipelineFQN"] = f"{args.service}.{args.pipeline}"
        doc["pipelineRunId"] = args.run_id
    return doc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--server", required=True)
    parser.add_argument("--token-file", required=True)
    parser.add_argument("--service", required=True)
    parser.add_argument("--source", required=True)
    parser.add_argument("--database", default="sample")
    workflows = parser.add_mutually_exclusive_group()
    workflows.add_argument("--lineage", action="store_true", help="the view-lineage workflow (<type>-lineage)")
    workflows.add_argument("--usage", metavar="STAGE_DIR", help="the usage workflow (postgres-usage)")
    parser.add_argument("--query-log", action="store_true", help="with --lineage: also from pg_stat_statements")
    parser.add_argument("--pipeline")
    parser.add_argument("--run-id")
    args = parser.parse_args()
    if bool(args.pipeline) != bool(args.run_id):
        parser.error("--pipeline and --run-id go together")
    # JSON is YAML: no YAML library needed outside the client's venv.
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump(workflow(args), out, indent=2)


if __name__ == "__main__":
    main()
