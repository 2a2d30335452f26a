#!/usr/bin/env python3
"""SQLite source databases for the ingestion acceptance tests and the benchmark.

    python3 e2e/ingestion/sources.py KIND PATH [--tables N]
    python3 e2e/ingestion/sources.py KIND postgresql://USER@HOST:PORT/DB   (needs psycopg2)

KIND is one of:
  basic       customers, orders (foreign key to customers) and the view big_orders
  changed     basic after a change: customers gains a column, big_orders is dropped, refunds is new
  forward-fk  a table whose foreign key points at a table the client processes later
  odd-names   table and column names with dots, quotes, spaces and non-ASCII letters
  generated   N tables of 20 columns each (--tables, default 2000), for the benchmark
  workload    PostgreSQL only, after basic: pg_stat_statements, then queries a user runs (a join,
              the view, inserts, a table made from orders), which the client's usage and
              query-lineage workflows read back from there

With a PostgreSQL URL the same statements run in that (empty) database's `public` schema
(basic, changed and workload only), and basic adds a row-level-security policy on orders. Full timestamps only: date-only strings in TIMESTAMP columns make the client's profiler loop.
"""

import argparse
import os
import sqlite3
import sys

BASIC = """
CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    email VARCHAR(255),
    created_at TIMESTAMP
);
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    amount DECIMAL(10, 2),
    placed_at TIMESTAMP
);
CREATE VIEW big_orders AS SELECT * FROM orders WHERE amount > 100;
INSERT INTO customers VALUES (1, 'Ada', 'ada@example.com', '2026-01-02 03:04:05');
INSERT INTO orders VALUES (1, 1, 250.00, '2026-01-03 10:00:00');
"""

CHANGE = """
ALTER TABLE customers ADD COLUMN phone VARCHAR(32);
DROP VIEW big_orders;
CREATE TABLE refunds (
    id INTEGER PRIMARY KEY,
    order_id INTEGER REFERENCES orders(id),
    reason TEXT
);
"""

# PostgreSQL only: a row-level-security policy, which the client ingests as the tag
# PostgresPolicyTags.<policy> on the table (includeTags, on by default).
ROW_SECURITY = """
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY orders_of_their_customer ON orders USING (customer_id = 1);
"""

# The client walks tables in name order: a_orders refers to z_customers, which comes later.
FORWARD_FK = """
CREATE TABLE a_orders (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER REFERENCES z_customers(id)
);
CREATE TABLE z_customers (id INTEGER PRIMARY KEY, name TEXT);
"""

ODD_NAMES = """
CREATE TABLE "my.table" ("weird.col" INTEGER, "with space" TEXT, "quote'single" TEXT);
CREATE TABLE "two words" (id INTEGER PRIMARY KEY);
CREATE TABLE "café_ünïcode" ("straße" TEXT, "名前" TEXT);
"""


def generated(tables: int) -> str:
    statements = []
    for t in range(tables):
        columns = ", ".join(
            ["id INTEGER PRIMARY KEY"] + [f"c{c:02d} {'TEXT' if c % 2 else 'INTEGER'}" for c in range(1, 20)]
        )
        statements.append(f"CREATE TABLE t{t:05d} ({columns});")
    return "\n".join(statements)


# PostgreSQL only: the query log the usage workflow reads (the server must preload the library:
# shared_preload_libraries = pg_stat_statements), then one statement per execute, as a user runs them.
WORKLOAD = [
    "CREATE EXTENSION IF NOT EXISTS pg_stat_statements",
    "SELECT o.id, c.name FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.amount > 10",
    "SELECT count(*) FROM big_orders",
    "INSERT INTO orders (id, customer_id, amount, placed_at) VALUES (2, 1, 5.00, '2026-01-04 11:00:00')",
    # Lineage from the query log: orders → order_totals, with column lineage.
    "CREATE TABLE order_totals AS SELECT customer_id, sum(amount) AS total FROM orders GROUP BY customer_id",
    "INSERT INTO order_totals SELECT customer_id, sum(amount) AS total FROM orders GROUP BY customer_id",
]


def build_postgres(kind: str, url: str) -> None:
    import psycopg2  # the ingestion client's venv has it (openmetadata-ingestion[postgres])

    scripts = {"basic": [BASIC, ROW_SECURITY], "changed": [CHANGE], "workload": WORKLOAD}
    if kind not in scripts:
        sys.exit(f"kind {kind!r} is for SQLite only; with PostgreSQL use basic, then changed or workload")
    with psycopg2.connect(url) as db, db.cursor() as cursor:
        for script in scripts[kind]:
            cursor.execute(script)


def build(kind: str, path: str, tables: int) -> None:
    if path.startswith(("postgresql://", "postgres://")):
        build_postgres(kind, path)
        return
    scripts = {
        "basic": [BASIC],
        "changed": [BASIC, CHANGE],
        "forward-fk": [FORWARD_FK],
        "odd-names": [ODD_NAMES],
        "generated": [generated(tables)],
    }
    if kind not in scripts:
        sys.exit(f"unknown kind {kind!r}; use one of: {', '.join(scripts)}")
    if os.path.exists(path):
        os.remove(path)
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA foreign_keys = ON")
        for script in scripts[kind]:
            db.executescript(script)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind")
    parser.add_argument("path")
    parser.add_argument("--tables", type=int, default=2000)
    args = parser.parse_args()
    build(args.kind, args.path, args.tables)


if __name__ == "__main__":
    main()
