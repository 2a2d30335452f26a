"""The official client's Python API (openmetadata-ingestion 1.7.7.4) against a running Tessera,
for every entity type Tessera serves, as one caller:

    .venv-ingestion/bin/python e2e/sdk/roundtrip.py http://127.0.0.1:8585 TOKEN_FILE admin|bot

Per type: create_or_update (twice: the second changes nothing), get_by_name and get_by_id with
`fields=*` (each equal to what the create answered), both without fields (equal to each other),
list_entities walked page by page, list_all_entities, patches of description, tags and owners
(where the 1.7 model has them), the version list and one version, a soft delete (then "not
found", and found again with include=deleted) and a hard delete (then gone for good). Services
are built in code with typed connections and no `type`; their secrets read back masked for
people and in clear for the bot. Every answer goes through the client's extra-forbidding 1.7
models on the way.

Calls Tessera has not built yet are named in expected.py (EXPECTED_MISSING) and must answer
404/405; what the bot may not do (BOT_FORBIDDEN) must be a 403 that says why, and change nothing.
Exits 1 listing every failure.
"""

import os
import sys
import time
import warnings

warnings.filterwarnings("ignore")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from expected import ALWAYS_HARD_DELETED, BOT_FORBIDDEN, EXPECTED_MISSING, SEEDED  # noqa: E402
from requests_1_7 import SECRETS, cases, fixtures, fqn_of  # noqa: E402

from metadata.generated.schema.entity.services.connections.metadata.openMetadataConnection import (  # noqa: E402
    OpenMetadataConnection,
)
from metadata.generated.schema.entity.teams.user import User  # noqa: E402
from metadata.generated.schema.security.client.openMetadataJWTClientConfig import (  # noqa: E402
    OpenMetadataJWTClientConfig,
)
from metadata.generated.schema.type.basic import Markdown  # noqa: E402
from metadata.generated.schema.type.entityReference import EntityReference  # noqa: E402
from metadata.generated.schema.type.entityReferenceList import EntityReferenceList  # noqa: E402
from metadata.generated.schema.type.tagLabel import LabelType, State, TagLabel, TagSource  # noqa: E402
from metadata.ingestion.ometa.client import APIError  # noqa: E402
from metadata.ingestion.ometa.ometa_api import OpenMetadata  # noqa: E402

MASK = "*********"
MISSING_CODES = (404, 405)


class Missing(Exception):
    """A call answered "not found" (None or a JSON 404) where an entity must come back."""


def must(value):
    if value is None:
        raise Missing("answered not found (None)")
    return value


def diff(left, right):
    """The top-level fields where two models differ, for a readable failure."""
    a, b = left.model_dump(mode="json"), right.model_dump(mode="json")
    return {k: (a.get(k), b.get(k)) for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)}


class Run:
    def __init__(self, client, role):
        self.client, self.role = client, role
        self.passed, self.failures, self.missing, self.forbidden = 0, [], [], []

    def fail(self, label, call, message):
        self.failures.append(f"{label} {call}: {message}")

    def call(self, label, entity, call, action):
        """Runs one client call; its result, or None when it did not run as a success."""
        key = (entity, call)
        try:
            try:
                result = action()
            except RuntimeError as wrapped:  # the patch mixin wraps the server's answer
                raise wrapped.__cause__ if isinstance(wrapped.__cause__, APIError) else wrapped
        except (APIError, Missing) as error:
            code = error.code if isinstance(error, APIError) else 404
            if code in MISSING_CODES and key in EXPECTED_MISSING:
                self.missing.append(f"{label} {call} ({EXPECTED_MISSING[key]})")
            elif code == 403 and self.role == "bot" and key in BOT_FORBIDDEN:
                if "ingestion-bot" not in str(error):
                    self.fail(label, call, f"a 403 that does not say who lacks what: {error}")
                else:
                    self.forbidden.append(f"{label} {call}")
            else:
                self.fail(label, call, f"{code} {error}")
            return None
        except Exception as error:  # a model that rejects the answer, a broken assumption
            self.fail(label, call, f"{type(error).__name__}: {error}")
            return None
        if key in EXPECTED_MISSING:
            self.fail(label, call, "works now: remove it from EXPECTED_MISSING in e2e/sdk/expected.py")
        elif self.role == "bot" and key in BOT_FORBIDDEN:
            self.fail(label, call, "the ingestion bot was allowed what only admins may do")
        else:
            self.passed += 1
        return result

    def check(self, label, call, condition, message):
        if condition:
            self.passed += 1
        else:
            self.fail(label, call, message)

    # --- the calls ---------------------------------------------------------------------------

    def reads(self, case, entity):
        """By name and by id, with and without fields; lists. The entity as the server has it."""
        client, T, label, name = self.client, case.entity, case.label, case.entity.__name__
        fqn = fqn_of(entity)
        by_name = self.call(label, name, "get_by_name", lambda: must(client.get_by_name(T, fqn, fields=["*"])))
        by_id = self.call(label, name, "get_by_id", lambda: must(client.get_by_id(T, entity.id, fields=["*"])))
        if by_name is not None and by_id is not None:
            self.check(label, "get_by_id", by_name == by_id, f"by id differs from by name: {diff(by_name, by_id)}")
        lean_name = self.call(label, name, "get_by_name", lambda: must(client.get_by_name(T, fqn)))
        lean_id = self.call(label, name, "get_by_id", lambda: must(client.get_by_id(T, entity.id)))
        if lean_name is not None and lean_id is not None:
            self.check(label, "get_by_id", lean_name == lean_id, f"lean reads differ: {diff(lean_name, lean_id)}")
        self.call(label, name, "list_entities", lambda: self.walk_pages(T, entity))
        self.call(label, name, "list_all_entities", lambda: self.list_all(T, entity))
        return by_name

    def walk_pages(self, T, entity):
        seen, after, total = [], None, None
        while True:
            page = self.client.list_entities(entity=T, limit=2, after=after)
            total = page.total if total is None else total
            seen.extend(e.id.root for e in page.entities)
            after = page.after
            if not after:
                break
            if len(seen) > total:
                raise AssertionError(f"paging went past the total {total}")
        if entity.id.root not in seen or len(seen) != total or len(set(seen)) != total:
            raise AssertionError(f"paged {len(seen)} of total {total}, created one found: {entity.id.root in seen}")

    def list_all(self, T, entity):
        ids = [e.id.root for e in self.client.list_all_entities(entity=T, limit=2)]
        if entity.id.root not in ids or len(ids) != len(set(ids)):
            raise AssertionError(f"list_all_entities: {len(ids)} items, created one found: {entity.id.root in ids}")

    def patches(self, case, entity, owner):
        """Description, tags and owners through the client's own patch mixin; the entity after."""
        T, label, name = case.entity, case.label, case.entity.__name__
        edits = [("patch_description", "description", Markdown("Edited through the SDK"))]
        if "tags" in T.model_fields:
            tag = TagLabel(
                tagFQN="PII.Sensitive", source=TagSource.Classification, labelType=LabelType.Manual, state=State.Confirmed
            )
            edits.append(("patch_tags", "tags", [tag]))
        if "owners" in T.model_fields:
            edits.append(("patch_owners", "owners", EntityReferenceList(root=[owner])))
        current = entity
        for call, field, value in edits:
            wanted = current.model_copy(deep=True)
            setattr(wanted, field, value)

            def patch(source=current, destination=wanted):
                return must(self.client.patch(entity=T, source=source, destination=destination, skip_on_failure=False))

            patched = self.call(label, name, call, patch)
            if patched is None:
                continue
            got = getattr(patched, field)
            same = [t.tagFQN.root for t in got] == ["PII.Sensitive"] if field == "tags" else None
            if field == "owners":
                same = [o.id for o in got.root] == [owner.id]
            if field == "description":
                same = got.root == value.root
            self.check(label, call, same, f"{field} after the patch: {got!r}")
            self.check(label, call, patched.version.root > current.version.root, "a patch makes a new version")
            current = patched
        return current

    def versions(self, case, entity):
        client, T, label, name = self.client, case.entity, case.label, case.entity.__name__
        history = self.call(label, name, "versions", lambda: client.get_list_entity_versions(entity.id, T))
        if history is not None:
            parsed = [T.model_validate_json(v) if isinstance(v, str) else T.model_validate(v) for v in history.versions]
            self.check(label, "versions", parsed and parsed[0].version == entity.version, "newest version first")
        first = self.call(label, name, "version", lambda: must(client.get_entity_version(T, entity.id, "0.1")))
        if first is not None:
            self.check(label, "version", first.version.root == 0.1 and first.id == entity.id, "version 0.1 by id")

    def raw(self, T, entity_id, include):
        return self.client.client.get(f"{self.client.get_suffix(T)}/{entity_id.root}", data={"include": include})

    def deletes(self, case, entity):
        client, T, label, name = self.client, case.entity, case.label, case.entity.__name__
        fqn = fqn_of(entity)
        soft = self.call(label, name, "soft_delete", lambda: client.delete(T, entity.id, recursive=True) or True)
        if soft and name in ALWAYS_HARD_DELETED:
            try:
                self.raw(T, entity.id, "all")
                self.fail(label, "soft_delete", "deleted for good in the original, still found with include=all")
            except APIError as error:
                self.check(label, "soft_delete", error.code == 404, f"after a delete: {error.code} {error}")
            return
        if soft:
            self.check(label, "soft_delete", client.get_by_name(T, fqn) is None, "soft-deleted is not found")
            kept = self.call(label, name, "soft_delete", lambda: T.model_validate(self.raw(T, entity.id, "deleted")))
            if kept is not None:
                self.check(label, "soft_delete", kept.deleted is True, "include=deleted finds it, deleted")
        hard = self.call(
            label, name, "hard_delete", lambda: client.delete(T, entity.id, recursive=True, hard_delete=True) or True
        )
        if hard:
            try:
                self.raw(T, entity.id, "all")
                self.fail(label, "hard_delete", "still found with include=all")
            except APIError as error:
                self.check(label, "hard_delete", error.code == 404, f"after a hard delete: {error.code} {error}")

    def secrets(self, case, entity):
        secret, read = SECRETS[case.service_type]
        shown = read(entity.connection.config).get_secret_value()
        want = secret if self.role == "bot" else MASK
        self.check(case.label, "secrets", shown == want, f"secret read back as {shown!r}, want {want!r}")
        config = entity.connection.config
        self.check(case.label, "type", config.type.value == case.service_type, f"read as {type(config).__name__}")

    # --- one type ------------------------------------------------------------------------------

    def round_trip(self, case, parents, owner):
        client, T, label, name = self.client, case.entity, case.label, case.entity.__name__
        request = case.build(self.prefix, parents)
        created = self.call(label, name, "create", lambda: client.create_or_update(request))
        if created is None:
            if self.role == "bot" and name in SEEDED:
                self.refused_writes(case, owner)
            return
        again = self.call(label, name, "create", lambda: client.create_or_update(request))
        if again is not None:
            self.check(label, "create", again == created, f"the same request again changed: {diff(created, again)}")
        read = self.reads(case, created)
        if read is not None:
            self.check(label, "get_by_name", read == created, f"read differs from created: {diff(created, read)}")
        if case.service_type:
            self.secrets(case, created)
        latest = self.patches(case, created, owner)
        self.versions(case, latest)
        self.deletes(case, latest)

    def refused_writes(self, case, owner):
        """The bot on a seeded entity it may read but not change: reads work, writes are 403s."""
        T, label, name = case.entity, case.label, case.entity.__name__
        seeded = self.call(label, name, "get_by_name", lambda: must(self.client.get_by_name(T, SEEDED[name], fields=["*"])))
        if seeded is None:
            return
        self.reads(case, seeded)
        self.patches(case, seeded, owner)
        self.versions(case, seeded)
        self.deletes(case, seeded)
        after = self.call(label, name, "get_by_name", lambda: must(self.client.get_by_name(T, SEEDED[name], fields=["*"])))
        if after is not None:
            self.check(label, "unchanged", after == seeded, f"refused writes changed it: {diff(seeded, after)}")

    def run(self):
        self.prefix = f"sdk-{self.role}-{int(time.time() * 1000) % 10**8}-"
        owner_user = must(self.client.get_by_name(User, "admin"))
        owner = EntityReference(id=owner_user.id, type="user")
        parents = {}
        for key, build in fixtures(self.prefix):
            if key == "bot_user" and self.role == "bot":  # creating users is for admins
                parents[key] = must(self.client.get_by_name(User, "ingestion-bot"))
                continue
            parents[key] = must(self.client.create_or_update(build(parents)))
        for case in cases():
            self.round_trip(case, parents, owner)


def main(api, token_file, role):
    config = OpenMetadataConnection(
        hostPort=f"{api}/api",
        authProvider="openmetadata",
        securityConfig=OpenMetadataJWTClientConfig(jwtToken=token_file),
    )
    run = Run(OpenMetadata(config), role)
    run.run()
    for line in run.missing:
        print(f"expected missing: {line}")
    for line in run.forbidden:
        print(f"refused to the bot as expected: {line}")
    for line in run.failures:
        print(f"FAIL {line}")
    print(
        f"sdk round trip as {role}: {run.passed} checks passed, {len(run.missing)} expected missing, "
        f"{len(run.forbidden)} refused as expected, {len(run.failures)} failed"
    )
    return 1 if run.failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
