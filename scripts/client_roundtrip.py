"""The official client's own REST layer (metadata.ingestion.ometa) against a running Tessera.

    .venv-ingestion/bin/python scripts/client_roundtrip.py http://127.0.0.1:8585 TOKEN_FILE

Creates a service, a database, a schema and tables (a foreign key, a view, odd names) with the
client's create-or-update, reads them back by the FQNs the client builds itself, lists with the
client's paging, reads versions, patches (JSON Patch through the client's own patch mixin), deletes
and checks "not found". Exits 1 with the reason on the
first failure. Every response is parsed by the client's extra-forbidding 1.7 models on the way.
"""

import sys
import warnings

warnings.filterwarnings("ignore")

from metadata.generated.schema.api.data.createDatabase import CreateDatabaseRequest  # noqa: E402
from metadata.generated.schema.api.data.createDatabaseSchema import CreateDatabaseSchemaRequest  # noqa: E402
from metadata.generated.schema.api.data.createTable import CreateTableRequest  # noqa: E402
from metadata.generated.schema.api.services.createDatabaseService import CreateDatabaseServiceRequest  # noqa: E402
from metadata.generated.schema.entity.data.database import Database  # noqa: E402
from metadata.generated.schema.entity.data.databaseSchema import DatabaseSchema  # noqa: E402
from metadata.generated.schema.entity.data.table import (  # noqa: E402
    Column,
    Table,
    TableConstraint,
)
from metadata.generated.schema.entity.services.connections.metadata.openMetadataConnection import (  # noqa: E402
    OpenMetadataConnection,
)
from metadata.generated.schema.entity.services.databaseService import DatabaseService  # noqa: E402
from metadata.generated.schema.security.client.openMetadataJWTClientConfig import (  # noqa: E402
    OpenMetadataJWTClientConfig,
)
from metadata.ingestion.ometa.ometa_api import OpenMetadata  # noqa: E402
from metadata.utils import fqn  # noqa: E402


def check(condition, message):
    if not condition:
        print(f"FAIL {message}")
        sys.exit(1)


def main(api, token_file):
    config = OpenMetadataConnection(
        hostPort=f"{api}/api",
        authProvider="openmetadata",
        securityConfig=OpenMetadataJWTClientConfig(jwtToken=token_file),
    )
    client = OpenMetadata(config)  # checks /system/version like the CLI
    service_name = "odd svc.1"
    service = client.create_or_update(
        CreateDatabaseServiceRequest(
            name=service_name,
            serviceType="SQLite",
            connection={"config": {"type": "SQLite", "databaseMode": "/tmp/x.db", "database": "sample"}},
        )
    )
    check(service.fullyQualifiedName.root == fqn._build(service_name), "service FQN as the client builds it")
    database = client.create_or_update(CreateDatabaseRequest(name="sample", service=service_name, sourceHash="d1"))
    schema_fqn = fqn._build(service_name, "sample", "main")
    schema = client.create_or_update(
        CreateDatabaseSchemaRequest(name="main", database=database.fullyQualifiedName.root, sourceHash="s1")
    )
    check(schema.fullyQualifiedName.root == schema_fqn, f"schema FQN {schema.fullyQualifiedName.root}")

    def column(name, data_type, constraint=None):
        return Column(name=name, dataType=data_type, dataTypeDisplay=data_type, constraint=constraint)

    names = ["customers", "orders", "big_orders", "my.table", "ünï cødé 表", "slash/and space"]
    for name in names:
        request = CreateTableRequest(
            name=name,
            databaseSchema=schema_fqn,
            columns=[column("id", "INT", "PRIMARY_KEY"), column("customer_id", "INT"), column("weird.col", "TEXT")],
            sourceHash=f"h-{name}",
        )
        if name == "orders":
            request.tableConstraints = [
                TableConstraint(
                    constraintType="FOREIGN_KEY",
                    columns=["customer_id"],
                    referredColumns=[fqn._build(service_name, "sample", "main", "customers", "id")],
                    relationshipType="MANY_TO_ONE",
                )
            ]
        if name == "big_orders":
            request.tableType = "View"
            request.schemaDefinition = "CREATE VIEW big_orders AS SELECT * FROM orders"
        created = client.create_or_update(request)
        table_fqn = fqn._build(service_name, "sample", "main", name)
        check(created.fullyQualifiedName.root == table_fqn, f"table FQN {created.fullyQualifiedName.root} != {table_fqn}")
        found = client.get_by_name(entity=Table, fqn=table_fqn, fields=["*"])
        check(found is not None and found.id == created.id, f"get_by_name({table_fqn!r}) finds what was created")
        check(found.columns[2].fullyQualifiedName.root == fqn._build(*fqn.split(table_fqn), "weird.col"), "column FQN")

    orders = client.get_by_name(entity=Table, fqn=fqn._build(service_name, "sample", "main", "orders"), fields=["tableConstraints"])
    check(orders.tableConstraints[0].referredColumns[0].root.endswith("customers.id"), "foreign key kept")
    check(client.get_by_name(entity=Table, fqn=schema_fqn + ".nothing") is None, "absent is None (a JSON 404)")
    check(client.get_by_name(entity=DatabaseService, fqn=fqn._build(service_name)) is not None, "service by name")
    check(client.get_by_id(entity=Database, entity_id=database.id) is not None, "database by id")

    # The client's own paging, two at a time, with the schema FQN as database= as it sends it.
    listed = list(
        client.list_all_entities(entity=Table, fields=["sourceHash"], limit=2, params={"database": schema_fqn})
    )
    check(len(listed) == len(names), f"list_all_entities paged through {len(listed)} of {len(names)}")
    check(all(t.sourceHash for t in listed), "sourceHash in the list")
    page = client.list_entities(entity=DatabaseSchema, params={"database": database.fullyQualifiedName.root})
    check(page.total == 1 and page.entities[0].id == schema.id, "schemas of the database")

    # The client's own JSON Patch (OMetaPatchMixin.patch, as the topology runner calls it for a
    # changed source and for a forward foreign key), then its description helpers.
    big_fqn = fqn._build(service_name, "sample", "main", "big_orders")
    big = client.get_by_name(entity=Table, fqn=big_fqn, fields=["*"])
    changed_big = big.model_copy(deep=True)
    changed_big.columns.append(column("phone", "VARCHAR"))
    changed_big.sourceHash = "h-big-2"
    changed_big.tableConstraints = [
        TableConstraint(
            constraintType="FOREIGN_KEY",
            columns=["customer_id"],
            referredColumns=[fqn._build(service_name, "sample", "main", "customers", "id")],
            relationshipType="MANY_TO_ONE",
        )
    ]
    patched = client.patch(entity=Table, source=big, destination=changed_big, skip_on_failure=False)
    check(patched is not None and patched.version.root == 0.2, f"patched to version {patched and patched.version}")
    check(patched.columns[-1].fullyQualifiedName.root == fqn._build(*fqn.split(big_fqn), "phone"), "patched column FQN")
    check(patched.sourceHash == "h-big-2" and len(patched.tableConstraints) == 1, "sourceHash and foreign key patched")
    again = client.patch(entity=Table, source=patched, destination=patched.model_copy(deep=True), skip_on_failure=False)
    check(again is None, "an empty patch is not sent")
    described = client.patch_description(entity=Database, source=database, description="Sample", force=True)
    check(described is not None and described.description.root == "Sample", "patch_description")
    column_fqn = fqn._build(*fqn.split(big_fqn), "id")
    described = client.patch_column_description(table=patched, column_fqn=column_fqn, description="The key", force=True)
    check(described is not None and described.columns[0].description.root == "The key", "patch_column_description")
    reread = client.get_by_name(entity=Table, fqn=big_fqn, fields=["*"])
    check(reread.version.root == 0.3 and reread.columns[0].description.root == "The key", "patches read back")

    # A new version, its history, and the old version as it was.
    changed = CreateTableRequest(
        name="customers",
        databaseSchema=schema_fqn,
        columns=[column("id", "BIGINT", "PRIMARY_KEY"), column("phone", "VARCHAR")],
        sourceHash="h-customers-2",
    )
    customers = client.create_or_update(changed)
    check(customers.version.root == 0.2, f"version {customers.version.root} after a change")
    check(customers.changeDescription is not None, "change description")
    history = client.get_list_entity_versions(entity_id=customers.id, entity=Table)
    check(len(history.versions) == 2, f"{len(history.versions)} versions")
    first = client.get_entity_version(entity=Table, entity_id=customers.id, version=0.1)
    check(first is not None and first.sourceHash == "h-customers", "version 0.1 as it was")

    # Soft delete as the mark-deleted pass does it, then "not found".
    client.delete(entity=Table, entity_id=customers.id, recursive=True, hard_delete=False)
    check(client.get_by_name(entity=Table, fqn=customers.fullyQualifiedName.root) is None, "soft-deleted is not found")
    client.delete(entity=DatabaseService, entity_id=service.id, recursive=True, hard_delete=True)
    check(client.get_by_id(entity=Table, entity_id=orders.id) is None, "hard and recursive delete")
    print(f"client round trip ok: {len(names)} tables, versions, paging, patches, deletes")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
