package io.cdcrunner.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;

/**
 * The fault tier: a test class that starts daemon processes and kills, restarts or cuts off them or their database.
 * {@code make test-fast} runs the unit tier alone; {@code make test} runs every tier. Tag names are those {@code
 * -Dgroups} and {@code -DexcludedGroups} take.
 */
@Target(ElementType.TYPE)
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Tag(Tiers.FAULT)
public @interface FaultTest {
}
