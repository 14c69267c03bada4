/**
 * The record mapping both sources share: a MySQL/MariaDB connector's change record, from the embedded engine or from
 * a Kafka topic, into the item the pipeline processes ({@link io.cdcrunner.mapping.RecordItems},
 * {@link io.cdcrunner.mapping.RecordMapper}), with typed values ({@link io.cdcrunner.mapping.ValueConverters}).
 */
package io.cdcrunner.mapping;
