/**
 * The binlog source's reading of schema changes: which tables a DDL statement touches
 * ({@link io.cdcrunner.binlog.schema.DdlScope}), the captured tables on the server
 * ({@link io.cdcrunner.binlog.schema.CapturedCatalog}), and the DROP events a schema change stands for
 * ({@link io.cdcrunner.binlog.schema.TableEvents}).
 */
package io.cdcrunner.binlog.schema;
