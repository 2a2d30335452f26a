"""What the round trip expects not to work yet, in one place, and what the ingestion bot may not do.

EXPECTED_MISSING: (entity, call) pairs that answer 404/405 because Tessera has not built the
type or sub-resource yet, with the issue that builds it. The suite fails when one of them starts
working (remove it here then), so the list shows what remains and shrinks as it is built.

ALWAYS_HARD_DELETED: types the original deletes for good on any DELETE (their models have no
`deleted`), so the soft-delete step checks that they are gone.

BOT_FORBIDDEN: (entity, call) pairs the ingestion bot is refused with a 403 whose message says
why (the bot's policy, or an admin-only route), as in the original.
"""

TEAMS_PATCH = "PATCH /teams/{id}: issue 19, items 6 and 8"
ACCESS_PATCH = "PATCH of roles and policies: issue 19, item 8 (admin pages edit them)"
NO_ISSUE = "not built; no open issue asks for it yet"

EXPECTED_MISSING = {
    ("Team", "patch_description"): TEAMS_PATCH,
    ("Team", "patch_owners"): TEAMS_PATCH,
    ("Role", "patch_description"): ACCESS_PATCH,
    ("Policy", "patch_description"): ACCESS_PATCH,
    ("Policy", "patch_owners"): ACCESS_PATCH,
    ("Bot", "patch_description"): f"PATCH /bots/{{id}}: {NO_ISSUE}",
}
# Version history of people, teams, roles, policies and bots (/versions, /versions/{v}).
for _entity in ("User", "Team", "Role", "Policy", "Bot"):
    EXPECTED_MISSING[(_entity, "versions")] = f"{_entity} versions: {NO_ISSUE}"
    EXPECTED_MISSING[(_entity, "version")] = f"{_entity} versions: {NO_ISSUE}"

ALWAYS_HARD_DELETED = {"Query"}

# Writes on people and access control are admin-only; reads are not.
_ADMIN_WRITES = ["create", "patch_description", "patch_owners", "soft_delete", "hard_delete"]
BOT_FORBIDDEN = {(entity, call) for entity in ("User", "Team", "Role", "Policy", "Bot") for call in _ADMIN_WRITES}

# Entities that exist on every server, read (and refused writes on) where the bot cannot create.
SEEDED = {
    "User": "admin",
    "Team": "Organization",
    "Role": "DataConsumer",
    "Policy": "DataConsumerPolicy",
    "Bot": "ingestion-bot",
}
