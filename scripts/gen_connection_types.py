"""Writes crates/tessera-catalog/src/connection_types.json from the official client's 1.7 models.

    .venv-ingestion/bin/python scripts/gen_connection_types.py

The client's models (openmetadata-ingestion 1.7.7.4, scripts/python-env.sh) are generated from
OpenMetadata 1.7's JSON schemas. For each database service type this records the connection
`type` its config must carry and the top-level defaults the original server fills in when it
reads a connection as that type's class (a field's own default, or the default of the
type it refers to, such as connectionBasicType.json's `supportsMetadataExtraction: true`). Run it again, and
commit the file, when the client version in scripts/python-env.sh changes.
"""

import json
import pathlib
import sys
import typing
import warnings

warnings.filterwarnings("ignore")

from pydantic import RootModel, TypeAdapter  # noqa: E402
from pydantic_core import PydanticUndefined  # noqa: E402

from metadata.generated.schema.entity.services.databaseService import (  # noqa: E402
    DatabaseConnection,
    DatabaseServiceType,
)

OUT = pathlib.Path(__file__).resolve().parent.parent / "crates/tessera-catalog/src/connection_types.json"


def unwrap_optional(annotation):
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) is typing.Union and len(args) == 1:
        return args[0]
    return annotation


def field_default(name, field):
    """The field's default as JSON, or None when it has none worth filling."""
    if field.default is not None and field.default is not PydanticUndefined:
        return TypeAdapter(field.annotation).dump_python(field.default, mode="json")
    inner = unwrap_optional(field.annotation)
    if isinstance(inner, type) and issubclass(inner, RootModel):
        root = inner.model_fields["root"]
        if root.default is not None and root.default is not PydanticUndefined:
            return TypeAdapter(root.annotation).dump_python(root.default, mode="json")
        # connectionBasicType.json's capability flags (supportsMetadataExtraction, ...) are
        # booleans defaulting to true there; the generated models lose that default.
        if name.startswith("supports") and root.annotation is bool:
            return True
    return None


def main():
    members = [m for m in typing.get_args(DatabaseConnection.model_fields["config"].annotation) if m is not type(None)]
    by_type = {}
    for model in members:
        type_field = model.model_fields["type"]
        kind = type_field.default if type_field.default is not PydanticUndefined else None
        if kind is None:  # a required type (CustomDatabase): its single enum value
            kind = list(unwrap_optional(type_field.annotation))[0]
        kind = getattr(kind, "value", kind)
        defaults = {}
        for name, field in model.model_fields.items():
            if name == "type":
                continue
            value = field_default(name, field)
            if value is not None:
                defaults[name] = value
        by_type[kind] = defaults
    table = {}
    for service_type in DatabaseServiceType:
        name = service_type.value
        table[name] = {"type": name, "defaults": by_type.get(name, {})}
        if name not in by_type:
            table[name]["noModel"] = True
    OUT.write_text(
        json.dumps(
            {
                "origin": "openmetadata-ingestion 1.7.7.4 models (OpenMetadata 1.7 JSON schemas), "
                "scripts/gen_connection_types.py",
                "serviceTypes": table,
            },
            indent=1,
            sort_keys=True,
        )
        + "\n"
    )
    print(f"wrote {OUT} ({len(table)} service types)", file=sys.stderr)


if __name__ == "__main__":
    main()
