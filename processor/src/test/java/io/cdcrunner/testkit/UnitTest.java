package io.cdcrunner.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;

/**
 * The unit tier: a test class that needs nothing outside the JVM: no server, no process, no socket but loopback ones
 * it opens itself; milliseconds. {@code make test-fast} runs the unit tier alone; {@code make test} runs every tier.
 * Tag names are those {@code -Dgroups} and {@code -DexcludedGroups} take.
 */
@Target(ElementType.TYPE)
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Tag(Tiers.UNIT)
public @interface UnitTest {
}
