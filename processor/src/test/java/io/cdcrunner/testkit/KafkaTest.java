package io.cdcrunner.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;

/**
 * The kafka tier: a test class that embeds a Kafka broker and Connect workers (and usually a database). {@code make
 * test-fast} runs the unit tier alone; {@code make test} runs every tier. Tag names are those {@code -Dgroups} and
 * {@code -DexcludedGroups} take.
 */
@Target(ElementType.TYPE)
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Tag(Tiers.KAFKA)
public @interface KafkaTest {
}
