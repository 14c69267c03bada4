"""The shop schema, created where missing by writer.py and by each worker at start (on the primary).

Every statement names its database (shop.orders), so the SQLAlchemy URLs may name none:
mysql+pymysql://root@127.0.0.1:3306/
"""
from sqlalchemy import text

STATEMENTS = (
    "CREATE DATABASE IF NOT EXISTS shop",
    """CREATE TABLE IF NOT EXISTS shop.orders (
        id BIGINT AUTO_INCREMENT PRIMARY KEY,
        customer_id INT NOT NULL,
        amount DECIMAL(12,2) NOT NULL,
        created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
        KEY customer_amount (customer_id, amount))""",
    # One row per task id that ran read_it: what it saw, and the events that triggered it.
    """CREATE TABLE IF NOT EXISTS shop.task_runs (
        task_id VARCHAR(64) PRIMARY KEY,
        customer_id INT NOT NULL,
        stale BOOLEAN NOT NULL,
        rows_seen INT NOT NULL,
        triggering TEXT NULL,
        ran_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
        KEY customer (customer_id))""",
    """CREATE TABLE IF NOT EXISTS shop.customer_summary (
        customer_id INT PRIMARY KEY,
        order_count BIGINT NOT NULL,
        amount_sum DECIMAL(20,2) NOT NULL,
        max_id BIGINT NULL)""",
    # One row per task id that ran read_row; runs counts deliveries of that id (a redelivered task adds one).
    """CREATE TABLE IF NOT EXISTS shop.row_tasks (
        task_id VARCHAR(64) PRIMARY KEY,
        row_id BIGINT NOT NULL,
        runs INT NOT NULL DEFAULT 1,
        ran_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
        KEY row_id (row_id))""",
)


def create_missing(engine):
    """Creates the database and the tables that do not exist yet."""
    with engine.begin() as db:
        for statement in STATEMENTS:
            db.execute(text(statement))
