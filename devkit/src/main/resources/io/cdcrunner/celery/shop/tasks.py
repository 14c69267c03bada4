"""The Celery app the cdc-runner tests run: tasks that read a customer's orders and record what they saw.

Environment:
  CELERY_BROKER_URL  the broker: redis://:pw@host:port/0, rediss://..., amqp://user:pw@host:port/%2F, amqps://...
  CELERY_BROKER_CA   for rediss:// and amqps://: the CA certificate (PEM file) the broker's certificate is checked with
  CELERY_QUEUE       the queue delay() and apply_async() publish to (default "celery")
  CELERY_VISIBILITY_TIMEOUT  Redis only: seconds after which a message a worker fetched and never acknowledged (it
                     lost its connection before starting the task) goes back to the queue (Celery's default: 3600)
  SHOP_READ_URL      where tasks read orders: a replica, mysql+pymysql://root@127.0.0.1:3307/
  SHOP_WRITE_URL     where tasks write what they saw: the primary. A worker creates the shop schema there at start
                     (shop.schema), so the tables exist once it logs "ready".
Messages are JSON only (Celery protocol 2).
"""
import json
import os
import ssl
from decimal import Decimal

from celery import Celery, signals
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from shop import schema

BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")

app = Celery("shop", broker=BROKER_URL)
app.conf.update(
    task_serializer="json",
    accept_content=["json"],
    result_serializer="json",
    task_default_queue=os.environ.get("CELERY_QUEUE", "celery"),
)
if os.environ.get("CELERY_VISIBILITY_TIMEOUT"):
    app.conf.broker_transport_options = {"visibility_timeout": int(os.environ["CELERY_VISIBILITY_TIMEOUT"])}
if os.environ.get("CELERY_BROKER_CA"):
    # kombu's Redis transport and py-amqp name the same two settings differently.
    if BROKER_URL.startswith("rediss://"):
        app.conf.broker_use_ssl = {"ssl_cert_reqs": ssl.CERT_REQUIRED, "ssl_ca_certs": os.environ["CELERY_BROKER_CA"]}
    else:
        app.conf.broker_use_ssl = {"cert_reqs": ssl.CERT_REQUIRED, "ca_certs": os.environ["CELERY_BROKER_CA"]}

_engines = {}


def engine(variable):
    """The engine for the URL in an environment variable, made on first use in each worker process (after the fork)."""
    if variable not in _engines:
        _engines[variable] = create_engine(os.environ[variable], future=True, pool_pre_ping=True)
    return _engines[variable]


@signals.worker_init.connect
def create_schema(**_):
    if not os.environ.get("SHOP_WRITE_URL"):
        return
    # Before the pool forks: this engine is disposed, never shared with the children.
    setup = create_engine(os.environ["SHOP_WRITE_URL"], future=True)
    try:
        schema.create_missing(setup)
    except Exception as e:
        # Celery logs and ignores a signal handler's Exception; a SystemExit stops the worker before "ready".
        raise SystemExit("cannot create the shop schema on SHOP_WRITE_URL: %s" % e)
    finally:
        setup.dispose()


# A lock conflict or a lost connection is retried (the same task id: its claim was rolled back with the rest).
@app.task(bind=True, name="shop.tasks.read_it", autoretry_for=(OperationalError,), retry_backoff=True, max_retries=10)
def read_it(self, customer_id, event_ids=None, keys=None, **extra):
    """Summarises a customer's orders as SHOP_READ_URL shows them, once per task id.

    event_ids: the change events that triggered the task, recorded as given; keys: the primary keys of the rows
    they changed, [{"id": 17}, ...]: a key missing from what was read makes the run stale (the replica lags).
    extra: whatever else the publisher sends, ignored.
    """
    with engine("SHOP_READ_URL").connect() as db:
        rows = db.execute(text("SELECT id, amount FROM shop.orders WHERE customer_id = :c"),
                          {"c": customer_id}).all()
    ids = {row.id for row in rows}
    order_count = len(rows)
    amount_sum = sum((row.amount for row in rows), Decimal("0"))
    max_id = max(ids, default=None)
    stale = any(int(key["id"]) not in ids for key in keys or ())
    with engine("SHOP_WRITE_URL").begin() as db:
        # Skip a task id that already ran: the id is claimed in the transaction that writes the result.
        if db.execute(text("INSERT IGNORE INTO shop.task_runs (task_id, customer_id, stale, rows_seen, triggering) "
                           "VALUES (:t, :c, :s, :n, :e)"),
                      {"t": self.request.id, "c": customer_id, "s": stale, "n": order_count,
                       "e": None if event_ids is None else json.dumps(event_ids)}).rowcount == 0:
            return {"skipped": self.request.id}
        # One upsert, so two tasks of a customer running at once wait for each other instead of deadlocking.
        # Orders are only inserted: a read that saw fewer than the stored summary is older and must not win.
        db.execute(text("INSERT INTO shop.customer_summary (customer_id, order_count, amount_sum, max_id) "
                        "VALUES (:c, :n, :s, :m) ON DUPLICATE KEY UPDATE "
                        "amount_sum = IF(VALUES(order_count) >= order_count, VALUES(amount_sum), amount_sum), "
                        "max_id = IF(VALUES(order_count) >= order_count, VALUES(max_id), max_id), "
                        "order_count = GREATEST(order_count, VALUES(order_count))"),
                   {"c": customer_id, "n": order_count, "s": amount_sum, "m": max_id})
    return {"customer_id": customer_id, "order_count": order_count, "amount_sum": str(amount_sum), "stale": stale}


@app.task(bind=True, name="shop.tasks.read_row")
def read_row(self, row, **extra):
    """Records the id of the row a per-event task was published for ({"id": 17, ...}), once per task id."""
    with engine("SHOP_WRITE_URL").begin() as db:
        db.execute(text("INSERT INTO shop.row_tasks (task_id, row_id) VALUES (:t, :r) "
                        "ON DUPLICATE KEY UPDATE runs = runs + 1"),
                   {"t": self.request.id, "r": int(row["id"])})
    return {"row_id": row["id"]}
