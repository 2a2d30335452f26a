"""The create requests of every entity type Tessera serves, built in code with the official 1.7
client's models, as OpenMetadata's SDK documentation shows (connections typed, `type` left out).

Each builder takes a name prefix (unique per run and caller) and the parents it needs, and
returns the request; `Case` ties an entity class to its request and to what its round trip
checks.
"""

from dataclasses import dataclass, field
from typing import Callable, Optional

from metadata.generated.schema.api.classification.createClassification import CreateClassificationRequest
from metadata.generated.schema.api.classification.createTag import CreateTagRequest
from metadata.generated.schema.api.data.createQuery import CreateQueryRequest
from metadata.generated.schema.api.createBot import CreateBot
from metadata.generated.schema.api.data.createDatabase import CreateDatabaseRequest
from metadata.generated.schema.api.data.createDatabaseSchema import CreateDatabaseSchemaRequest
from metadata.generated.schema.api.data.createStoredProcedure import CreateStoredProcedureRequest
from metadata.generated.schema.api.data.createTable import CreateTableRequest
from metadata.generated.schema.api.policies.createPolicy import CreatePolicyRequest
from metadata.generated.schema.api.services.createDatabaseService import CreateDatabaseServiceRequest
from metadata.generated.schema.api.services.ingestionPipelines.createIngestionPipeline import (
    CreateIngestionPipelineRequest,
)
from metadata.generated.schema.api.teams.createRole import CreateRoleRequest
from metadata.generated.schema.api.teams.createTeam import CreateTeamRequest
from metadata.generated.schema.api.teams.createUser import CreateUserRequest
from metadata.generated.schema.entity.bot import Bot
from metadata.generated.schema.entity.classification.classification import Classification
from metadata.generated.schema.entity.data.query import Query
from metadata.generated.schema.entity.classification.tag import Tag
from metadata.generated.schema.entity.data.database import Database
from metadata.generated.schema.entity.data.databaseSchema import DatabaseSchema
from metadata.generated.schema.entity.data.storedProcedure import StoredProcedure, StoredProcedureCode
from metadata.generated.schema.entity.data.table import Column, DataType, Table
from metadata.generated.schema.entity.policies.accessControl.rule import Effect, Rule
from metadata.generated.schema.entity.policies.policy import Policy
from metadata.generated.schema.entity.services.connections.database.bigQueryConnection import BigQueryConnection
from metadata.generated.schema.entity.services.connections.database.common.basicAuth import BasicAuth
from metadata.generated.schema.entity.services.connections.database.mysqlConnection import MysqlConnection
from metadata.generated.schema.entity.services.connections.database.postgresConnection import PostgresConnection
from metadata.generated.schema.entity.services.connections.database.snowflakeConnection import SnowflakeConnection
from metadata.generated.schema.entity.services.connections.database.sqliteConnection import SQLiteConnection
from metadata.generated.schema.entity.services.databaseService import DatabaseConnection, DatabaseService
from metadata.generated.schema.entity.services.ingestionPipelines.ingestionPipeline import (
    AirflowConfig,
    IngestionPipeline,
    PipelineType,
)
from metadata.generated.schema.entity.teams.role import Role
from metadata.generated.schema.entity.teams.team import Team, TeamType
from metadata.generated.schema.entity.teams.user import User
from metadata.generated.schema.metadataIngestion.databaseServiceMetadataPipeline import (
    DatabaseServiceMetadataPipeline,
)
from metadata.generated.schema.metadataIngestion.workflow import SourceConfig
from metadata.generated.schema.security.credentials.gcpCredentials import GCPCredentials
from metadata.generated.schema.security.credentials.gcpValues import GcpCredentialsValues
from metadata.generated.schema.type.entityReference import EntityReference

# The secrets each connection is built with, and where the client reads them back.
SECRETS = {
    "Mysql": ("mysql-p4ss", lambda c: c.authType.password),
    "Postgres": ("pg-p4ss", lambda c: c.authType.password),
    "SQLite": ("sqlite-p4ss", lambda c: c.password),
    "Snowflake": ("snow-p4ss", lambda c: c.password),
    "BigQuery": ("-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----", lambda c: c.credentials.gcpConfig.privateKey),
}


def connection(service_type):
    """A typed connection of `service_type`, built as the SDK documentation shows (no `type`)."""
    secret = SECRETS[service_type][0]
    if service_type == "Mysql":
        config = MysqlConnection(username="reader", hostPort="mysql:3306", authType=BasicAuth(password=secret))
    elif service_type == "Postgres":
        config = PostgresConnection(
            username="reader", hostPort="pg:5432", database="sales", authType=BasicAuth(password=secret)
        )
    elif service_type == "SQLite":
        config = SQLiteConnection(databaseMode="/data/sample.db", database="sample", password=secret)
    elif service_type == "Snowflake":
        config = SnowflakeConnection(username="reader", password=secret, account="acme-1", warehouse="COMPUTE_WH")
    elif service_type == "BigQuery":
        values = GcpCredentialsValues(projectId="acme-analytics", privateKeyId="k1", privateKey=secret,
                                      clientEmail="reader@acme-analytics.iam.gserviceaccount.com")
        config = BigQueryConnection(credentials=GCPCredentials(gcpConfig=values))
    else:
        raise ValueError(service_type)
    return DatabaseConnection(config=config)


def fqn_of(entity):
    """The FQN as text: most 1.7 models wrap it (`.root`), Classification and Tag keep a str."""
    return getattr(entity.fullyQualifiedName, "root", entity.fullyQualifiedName)


@dataclass
class Case:
    """One entity type's round trip: how to build its request, and which calls apply."""

    label: str
    entity: type
    build: Callable[[str, dict], object]
    # The service type whose connection secrets are checked, for services.
    service_type: Optional[str] = None
    # Parents created first, by name in `fixtures`.
    needs: list = field(default_factory=list)


def column(name, data_type):
    return Column(name=name, dataType=DataType(data_type), dataTypeDisplay=data_type)


def cases():
    services = [
        Case(
            f"DatabaseService({kind})",
            DatabaseService,
            lambda p, _, kind=kind: CreateDatabaseServiceRequest(
                name=f"{p}{kind.lower()}", serviceType=kind, connection=connection(kind)
            ),
            service_type=kind,
        )
        for kind in SECRETS
    ]
    return services + [
        Case(
            "Database",
            Database,
            lambda p, f: CreateDatabaseRequest(name=f"{p}db", service=f["service"].fullyQualifiedName.root),
            needs=["service"],
        ),
        Case(
            "DatabaseSchema",
            DatabaseSchema,
            lambda p, f: CreateDatabaseSchemaRequest(name=f"{p}schema", database=f["database"].fullyQualifiedName.root),
            needs=["database"],
        ),
        Case(
            "Table",
            Table,
            lambda p, f: CreateTableRequest(
                name=f"{p}table",
                databaseSchema=f["schema"].fullyQualifiedName.root,
                columns=[column("id", "INT"), column("amount", "DECIMAL")],
            ),
            needs=["schema"],
        ),
        Case(
            "StoredProcedure",
            StoredProcedure,
            lambda p, f: CreateStoredProcedureRequest(
                name=f"{p}proc",
                databaseSchema=f["schema"].fullyQualifiedName.root,
                storedProcedureCode=StoredProcedureCode(code="SELECT 1", language="SQL"),
            ),
            needs=["schema"],
        ),
        Case(
            "IngestionPipeline",
            IngestionPipeline,
            lambda p, f: CreateIngestionPipelineRequest(
                name=f"{p}metadata",
                pipelineType=PipelineType.metadata,
                sourceConfig=SourceConfig(config=DatabaseServiceMetadataPipeline(markDeletedTables=False)),
                airflowConfig=AirflowConfig(),
                service=EntityReference(id=f["service"].id, type="databaseService"),
            ),
            needs=["service"],
        ),
        Case(
            "Classification",
            Classification,
            lambda p, _: CreateClassificationRequest(name=f"{p}classification", description="Made by the SDK"),
        ),
        Case(
            "Tag",
            Tag,
            lambda p, f: CreateTagRequest(
                name=f"{p}tag", description="Made by the SDK", classification=fqn_of(f["classification"])
            ),
            needs=["classification"],
        ),
        Case(
            "Query",
            Query,
            lambda p, f: CreateQueryRequest(
                query=f"SELECT * FROM {p}table", service=f["service"].fullyQualifiedName.root, duration=1.5
            ),
            needs=["service"],
        ),
        Case("User", User, lambda p, _: CreateUserRequest(name=f"{p}user", email=f"{p}user@open-metadata.org")),
        Case(
            "Team",
            Team,
            lambda p, _: CreateTeamRequest(name=f"{p}team", teamType=TeamType.Group),
        ),
        Case("Role", Role, lambda p, _: CreateRoleRequest(name=f"{p}role", policies=["DataConsumerPolicy"])),
        Case(
            "Policy",
            Policy,
            lambda p, _: CreatePolicyRequest(
                name=f"{p}policy",
                rules=[Rule(name="read-tables", resources=["table"], operations=["ViewAll"], effect=Effect.allow)],
            ),
        ),
        Case(
            "Bot",
            Bot,
            lambda p, f: CreateBot(name=f"{p}bot", botUser=f["bot_user"].name.root),
            needs=["bot_user"],
        ),
    ]


def fixtures(prefix):
    """Parents the cases need, in creation order: (name, create request)."""
    return [
        ("service", lambda f: CreateDatabaseServiceRequest(
            name=f"{prefix}parent", serviceType="SQLite", connection=connection("SQLite"))),
        ("database", lambda f: CreateDatabaseRequest(name="parent", service=f["service"].fullyQualifiedName.root)),
        ("schema", lambda f: CreateDatabaseSchemaRequest(name="parent", database=f["database"].fullyQualifiedName.root)),
        ("classification", lambda f: CreateClassificationRequest(name=f"{prefix}parent", description="Parent")),
        ("bot_user", lambda f: CreateUserRequest(
            name=f"{prefix}botuser", email=f"{prefix}botuser@open-metadata.org", isBot=True)),
    ]
