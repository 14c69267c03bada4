"""The shop: the Celery app (shop.tasks) and schema (shop.schema) the cdc-runner tests run against a real worker."""
