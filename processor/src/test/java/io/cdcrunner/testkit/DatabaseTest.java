package io.cdcrunner.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;

/**
 * The database tier: a test class that starts a real database server (a local MariaDB, or MySQL through
 * Testcontainers). {@code make test-fast} runs the unit tier alone; {@code make test} runs every tier. Tag names are
 * those {@code -Dgroups} and {@code -DexcludedGroups} take.
 */
@Target(ElementType.TYPE)
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Tag(Tiers.DATABASE)
public @interface DatabaseTest {
}
