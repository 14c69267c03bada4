#!/bin/bash
# Runs once, when the MySQL container initialises an empty data directory. Creates the demo schema and three
# least-privilege accounts; the passwords come from the container's environment (docker/.env).
set -euo pipefail

# The root password goes through a file descriptor, not the command line.
mysql --defaults-extra-file=<(printf '[client]\nuser=root\npassword=%s\n' "$MYSQL_ROOT_PASSWORD") --protocol=socket <<SQL
CREATE DATABASE IF NOT EXISTS shop;
CREATE TABLE IF NOT EXISTS shop.orders (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  customer_id INT NOT NULL,
  amount DECIMAL(12,2) NOT NULL,
  created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  KEY by_customer (customer_id, amount)
);

-- The daemon's binlog reader: what Debezium's MySQL connector needs, nothing more.
CREATE USER IF NOT EXISTS 'cdc'@'%' IDENTIFIED BY '${CDC_PASSWORD}';
GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'cdc'@'%';

-- The processor's own account: reads orders, writes the summaries, only in the shop schema.
CREATE USER IF NOT EXISTS 'cdc_app'@'%' IDENTIFIED BY '${CDC_APP_PASSWORD}';
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE ON shop.* TO 'cdc_app'@'%';

-- The demo writer: inserts orders, nothing else.
CREATE USER IF NOT EXISTS 'demo_writer'@'%' IDENTIFIED BY '${WRITER_PASSWORD}';
GRANT SELECT, INSERT ON shop.orders TO 'demo_writer'@'%';
SQL
