package io.cdcrunner.testdb;

import java.util.stream.Stream;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ArgumentsProvider;

import io.cdcrunner.localdb.Flavor;

/**
 * The flavors of a slow test's MySQL variant, for {@code @ArgumentsSource(FullSuiteFlavors.class)}: MariaDB always,
 * MySQL in the full suite ({@code make test FULL=1}, what CI runs: {@code -Dcdc.test.full=true}). {@code make test}
 * keeps its ten minutes; every MySQL variant still runs on every submission.
 */
public final class FullSuiteFlavors implements ArgumentsProvider {

    /** The system property that turns the full suite on. */
    public static final String PROPERTY = "cdc.test.full";

    public static boolean full() {
        return Boolean.getBoolean(PROPERTY);
    }

    @Override
    public Stream<? extends Arguments> provideArguments(ExtensionContext context) {
        return (full() ? Stream.of(Flavor.values()) : Stream.of(Flavor.MARIADB)).map(Arguments::of);
    }
}
