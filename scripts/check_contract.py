"""Validates Tessera's responses with the official client's own 1.7 pydantic models.

Run inside the ingestion venv (scripts/python-env.sh):
    .venv-ingestion/bin/python scripts/check_contract.py responses.json

The file is a list of {"label", "model", "body"}; a label starts with the request's method
("PATCH /api/v1/tables/..."), and the summary counts responses per method. `model` is an entity model name, "list:<Model>"
for a list response (each item validated, `paging` as the client reads it), or "EntityHistory".
Also checks every FQN against the client's own builder (metadata.utils.fqn). Exits 1 on any
failure, naming the response and the field.
"""

import json
import sys
import warnings

warnings.filterwarnings("ignore")

from metadata.generated.schema.entity.data.database import Database  # noqa: E402
from metadata.generated.schema.entity.data.databaseSchema import DatabaseSchema  # noqa: E402
from metadata.generated.schema.entity.data.storedProcedure import StoredProcedure  # noqa: E402
from metadata.generated.schema.entity.data.table import Table  # noqa: E402
from metadata.generated.schema.entity.services.databaseService import DatabaseService  # noqa: E402
from metadata.generated.schema.entity.services.ingestionPipelines.ingestionPipeline import (  # noqa: E402
    IngestionPipeline,
    PipelineStatus,
)
from metadata.generated.schema.type.entityHistory import EntityVersionHistory  # noqa: E402
from metadata.generated.schema.type.paging import Paging  # noqa: E402
from metadata.utils import fqn  # noqa: E402

MODELS = {
    "DatabaseService": DatabaseService,
    "Database": Database,
    "DatabaseSchema": DatabaseSchema,
    "Table": Table,
    "StoredProcedure": StoredProcedure,
    "IngestionPipeline": IngestionPipeline,
    "PipelineStatus": PipelineStatus,
}

# Models without a fullyQualifiedName of their own (a pipeline run's status).
WITHOUT_FQN = {"PipelineStatus"}


def expected_fqn(model, body):
    """The FQN the client builds for this entity from its and its parents' names."""
    if model == "DatabaseService":
        return fqn._build(body["name"])
    if model == "IngestionPipeline":
        # <service>.<pipeline>, as the client's get_or_create_ingestion_pipeline expects it.
        return fqn._build(body["service"]["name"], body["name"])
    if model == "Database":
        return fqn._build(body["service"]["name"], body["name"])
    if model == "DatabaseSchema":
        return fqn._build(body["service"]["name"], body["database"]["name"], body["name"])
    return fqn._build(
        body["service"]["name"], body["database"]["name"], body["databaseSchema"]["name"], body["name"]
    )


def check_columns(table_fqn, columns, failures, label):
    for column in columns or []:
        want = fqn._build(*fqn.split(table_fqn), column["name"])
        if column.get("fullyQualifiedName") != want:
            failures.append(f"{label}: column FQN {column.get('fullyQualifiedName')!r}, the client builds {want!r}")
        check_columns(want, column.get("children"), failures, label)


def check_connection(parsed, body, failures, label):
    """The client reads the connection as its type's model, with the password as sent."""
    config, sent = parsed.connection.config, body["connection"]["config"]
    kind = getattr(getattr(config, "type", None), "value", None)
    if kind != sent["type"]:
        failures.append(f"{label}: connection read as {type(config).__name__} ({kind}), not {sent['type']}")
        return
    password = sent.get("authType", {}).get("password")
    if password is not None and config.authType.password.get_secret_value() != password:
        failures.append(f"{label}: the client reads another password than the one answered")


def check_entity(model, body, failures, label):
    try:
        parsed = MODELS[model].model_validate(body)
    except Exception as error:  # pydantic's ValidationError names every bad field
        failures.append(f"{label}: {model} rejected by the 1.7 model:\n{error}")
        return
    if model == "DatabaseService" and body.get("connection"):
        check_connection(parsed, body, failures, label)
    if model in WITHOUT_FQN:
        return
    if "fullyQualifiedName" not in body:
        failures.append(f"{label}: no fullyQualifiedName (the client keys everything on it)")
        return
    want = expected_fqn(model, body)
    if body["fullyQualifiedName"] != want:
        failures.append(f"{label}: FQN {body['fullyQualifiedName']!r}, the client builds {want!r}")
    if model == "Table":
        check_columns(body["fullyQualifiedName"], body.get("columns"), failures, label)


def main(path):
    with open(path, encoding="utf-8") as handle:
        responses = json.load(handle)
    failures = []
    counts = {}
    methods = {}
    for response in responses:
        label, model, body = response["label"], response["model"], response["body"]
        if model.startswith("list:"):
            entity = model.split(":", 1)[1]
            # What OpenMetadata.list_entities reads: data[], paging.total (a KeyError if missing).
            try:
                total = body["paging"]["total"]
                Paging.model_validate(body["paging"])
            except Exception as error:
                failures.append(f"{label}: paging as the client reads it: {error!r}")
                continue
            if not isinstance(total, int):
                failures.append(f"{label}: paging.total is not an integer")
            for i, item in enumerate(body["data"]):
                check_entity(entity, item, failures, f"{label} data[{i}]")
        elif model == "EntityHistory":
            try:
                EntityVersionHistory.model_validate(body)
            except Exception as error:
                failures.append(f"{label}: EntityVersionHistory rejected:\n{error}")
        else:
            check_entity(model, body, failures, label)
        counts[model] = counts.get(model, 0) + 1
        method = label.split(" ", 1)[0]
        if method in ("GET", "PUT", "POST", "PATCH", "DELETE"):
            methods[method] = methods.get(method, 0) + 1
    for failure in failures:
        print(f"FAIL {failure}")
    summary = ", ".join(f"{n} {m}" for m, n in sorted(counts.items()))
    by_method = ", ".join(f"{n} {m}" for m, n in sorted(methods.items()))
    print(f"checked {len(responses)} responses ({summary}; {by_method}) with openmetadata-ingestion 1.7 models")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
