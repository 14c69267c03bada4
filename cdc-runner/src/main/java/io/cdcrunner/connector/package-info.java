/**
 * The MySQL/MariaDB server as both source types first reach it: {@link io.cdcrunner.connector.SourceProbe} connects
 * with retries and tells a login or network problem apart from one a retry fixes.
 */
package io.cdcrunner.connector;
