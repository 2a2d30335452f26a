#!/usr/bin/env python3
"""A user's governance script with the official client's Python API (openmetadata-ingestion
1.7.7.4), as OpenMetadata's SDK documentation shows the calls: a classification and a tag with
`create_or_update`, `get_by_name(Tag)`, `patch_tags(Table)`, a team with `get_by_name(Team)`,
`patch_owner(Table, team)`; then what the server must refuse (an unknown tag, a department as an
owner). Every answer is parsed by the client's 1.7 models.

    .venv-ingestion/bin/python e2e/sdk/governance.py http://127.0.0.1:8585 admin.jwt

Prints `governance: N checks passed, M failed` last; exits 1 on a failure.
"""

import os
import sys
import time
import warnings

warnings.filterwarnings("ignore")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from requests_1_7 import connection, column  # noqa: E402

from metadata.generated.schema.api.classification.createClassification import CreateClassificationRequest  # noqa: E402
from metadata.generated.schema.api.classification.createTag import CreateTagRequest  # noqa: E402
from metadata.generated.schema.api.data.createDatabase import CreateDatabaseRequest  # noqa: E402
from metadata.generated.schema.api.data.createDatabaseSchema import CreateDatabaseSchemaRequest  # noqa: E402
from metadata.generated.schema.api.data.createTable import CreateTableRequest  # noqa: E402
from metadata.generated.schema.api.services.createDatabaseService import CreateDatabaseServiceRequest  # noqa: E402
from metadata.generated.schema.api.teams.createTeam import CreateTeamRequest  # noqa: E402
from metadata.generated.schema.entity.classification.tag import Tag  # noqa: E402
from metadata.generated.schema.entity.data.table import Table  # noqa: E402
from metadata.generated.schema.entity.services.connections.metadata.openMetadataConnection import (  # noqa: E402
    OpenMetadataConnection,
)
from metadata.generated.schema.entity.teams.team import Team, TeamType  # noqa: E402
from metadata.generated.schema.security.client.openMetadataJWTClientConfig import (  # noqa: E402
    OpenMetadataJWTClientConfig,
)
from metadata.generated.schema.type.entityReference import EntityReference  # noqa: E402
from metadata.generated.schema.type.entityReferenceList import EntityReferenceList  # noqa: E402
from metadata.generated.schema.type.tagLabel import LabelType, State, TagLabel, TagSource  # noqa: E402
from metadata.ingestion.ometa.client import APIError  # noqa: E402
from metadata.ingestion.ometa.ometa_api import OpenMetadata  # noqa: E402

passed, failures = 0, []


def check(condition, message):
    global passed
    if condition:
        passed += 1
    else:
        failures.append(message)


def refused(call, status, words):
    """`call` must fail with the server's `status` and `words` in its message (the patch mixin
    wraps the server's error in a RuntimeError that repeats the message, without the status)."""
    try:
        call()
        failures.append(f"not refused: expected {status} with {words!r}")
    except APIError as error:
        check(error.code == status and words in str(error), f"expected {status} {words!r}, got {error.code} {error}")
    except RuntimeError as error:
        check(words in str(error), f"expected {words!r}, got {error}")


def label(fqn):
    return TagLabel(tagFQN=fqn, source=TagSource.Classification, labelType=LabelType.Manual, state=State.Confirmed)


def main(api, token_file):
    client = OpenMetadata(OpenMetadataConnection(
        hostPort=f"{api}/api", authProvider="openmetadata",
        securityConfig=OpenMetadataJWTClientConfig(jwtToken=token_file)))
    p = f"gov{int(time.time() * 1000) % 10**8}"
    service = client.create_or_update(CreateDatabaseServiceRequest(
        name=f"{p}svc", serviceType="SQLite", connection=connection("SQLite")))
    database = client.create_or_update(CreateDatabaseRequest(name="db", service=service.fullyQualifiedName.root))
    schema = client.create_or_update(CreateDatabaseSchemaRequest(name="main", database=database.fullyQualifiedName.root))
    table = client.create_or_update(CreateTableRequest(
        name="orders", databaseSchema=schema.fullyQualifiedName.root, columns=[column("id", "INT")]))

    # Classification and tag, as the SDK documentation creates them.
    classification = client.create_or_update(CreateClassificationRequest(
        name=f"{p}Quality", description="How good the data is"))
    check(classification.name.root == f"{p}Quality", f"classification: {classification}")
    created = client.create_or_update(CreateTagRequest(
        classification=f"{p}Quality", name="Gold", description="Checked twice"))
    tag = client.get_by_name(entity=Tag, fqn=f"{p}Quality.Gold")
    check(tag is not None and tag.id == created.id, f"get_by_name(Tag): {tag}")
    check(tag.classification.name == f"{p}Quality", f"the tag's classification: {tag.classification}")

    # Tags on the table through the client's JSON Patch.
    tagged = client.patch_tags(entity=Table, source=table, tag_labels=[label(f"{p}Quality.Gold"), label("Tier.Tier2")])
    fqns = sorted(t.tagFQN.root for t in (tagged.tags or [])) if tagged else []
    check(fqns == sorted([f"{p}Quality.Gold", "Tier.Tier2"]), f"patch_tags: {fqns}")
    gold = next((t for t in tagged.tags if t.tagFQN.root == f"{p}Quality.Gold"), None) if tagged else None
    check(gold is not None and gold.description.root == "Checked twice", f"the label carries the tag's description: {gold}")
    refused(lambda: client.patch_tags(entity=Table, source=tagged, tag_labels=[label(f"{p}Quality.Nope")],
                                      skip_on_failure=False),
            404, f"tag instance for {p}Quality.Nope not found")
    refused(lambda: client.patch_tags(entity=Table, source=tagged, tag_labels=[label("Tier.Tier1")],
                                      skip_on_failure=False),
            400, "mutually exclusive")

    # A team owns the table.
    client.create_or_update(CreateTeamRequest(name=f"{p}analysts", teamType=TeamType.Group))
    team = client.get_by_name(entity=Team, fqn=f"{p}analysts")
    check(team is not None and team.teamType == TeamType.Group, f"get_by_name(Team): {team}")
    owners = EntityReferenceList(root=[EntityReference(id=team.id, type="team")])
    owned = client.patch_owner(entity=Table, source=tagged, owners=owners)
    got = [(o.type, o.name) for o in owned.owners.root] if owned and owned.owners else []
    check(got == [("team", f"{p}analysts")], f"patch_owner: {got}")
    read = client.get_by_name(entity=Table, fqn=table.fullyQualifiedName.root, fields=["owners", "tags"])
    check(read.owners.root[0].id == team.id and len(read.tags) == 2, f"read back: {read.owners} {read.tags}")
    department = client.create_or_update(CreateTeamRequest(name=f"{p}finance", teamType=TeamType.Department))
    refused(lambda: client.create_or_update(CreateTableRequest(
        name="orders", databaseSchema=schema.fullyQualifiedName.root, columns=[column("id", "INT")],
        owners=EntityReferenceList(root=[EntityReference(id=department.id, type="team")]))),
        400, "Only Team of type Group can own entities")

    for line in failures:
        print(f"FAIL {line}")
    print(f"governance: {passed} checks passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
