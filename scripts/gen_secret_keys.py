"""Writes crates/tessera-catalog/src/secret_keys.json from the official client's 1.7 models.

    .venv-ingestion/bin/python scripts/gen_secret_keys.py

Every property the 1.7 JSON schemas mark `format: password` becomes a secret string in the
client's generated models (openmetadata-ingestion 1.7.7.4, scripts/python-env.sh). This lists
their names, per entity field that can hold them: a database service's `connection` and an
ingestion pipeline's `sourceConfig`. Tessera seals a string under any of these names, at any
depth, before storing it. Run it again, and commit the file, when the client version changes.
"""

import json
import pathlib
import typing
import warnings

warnings.filterwarnings("ignore")

from pydantic import BaseModel, SecretStr  # noqa: E402

from metadata.generated.schema.entity.services.databaseService import DatabaseConnection  # noqa: E402
from metadata.generated.schema.metadataIngestion.workflow import SourceConfig  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parent.parent / "crates/tessera-catalog/src/secret_keys.json"


def types_of(annotation):
    args = typing.get_args(annotation)
    return [t for a in args for t in types_of(a)] if args else [annotation]


def is_secret(t):
    return isinstance(t, type) and issubclass(t, SecretStr)


def secret_names(model, seen, found):
    if model in seen:
        return
    seen.add(model)
    for name, field in model.model_fields.items():
        for t in types_of(field.annotation):
            if is_secret(t) and name != "root":  # `root`: a secret list's items, named by their parent
                found.add(name)
            elif isinstance(t, type) and issubclass(t, BaseModel):
                secret_names(t, seen, found)


def main():
    holders = {}
    for field, model in [("connection", DatabaseConnection), ("sourceConfig", SourceConfig)]:
        found = set()
        secret_names(model, set(), found)
        holders[field] = sorted(found)
    OUT.write_text(json.dumps({
        "origin": "openmetadata-ingestion 1.7.7.4 models (OpenMetadata 1.7 JSON schemas, format: password), "
                  "scripts/gen_secret_keys.py",
        "holders": holders,
    }, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
