package io.cdcrunner.localdb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds a Java installation of at least a given feature release on this machine, for the tests and the
 * benchmark that exercise what only newer JVMs offer (the ahead-of-time cache of Java 25). Looks at
 * {@code $JAVA25_HOME}, then at the installations under {@code /usr/lib/jvm} (their {@code release}
 * file), newest first.
 */
public final class LocalJava {

    private static final Pattern VERSION = Pattern.compile("^JAVA_VERSION=\"(\\d+)", Pattern.MULTILINE);

    private LocalJava() {
    }

    /** The home of a Java whose feature release is {@code feature} or later, if this machine has one. */
    public static Optional<Path> atLeast(int feature) {
        String configured = System.getenv("JAVA25_HOME");
        if (configured != null && !configured.isBlank() && feature(Path.of(configured)) >= feature) {
            return Optional.of(Path.of(configured));
        }
        Path installed = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(installed)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(installed)) {
            return homes.filter(home -> Files.isExecutable(home.resolve("bin/java")))
                    .filter(home -> feature(home) >= feature)
                    .max(Comparator.comparingInt(LocalJava::feature));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + installed, e);
        }
    }

    /** The feature release named in {@code home/release}, or 0 when there is none. */
    public static int feature(Path home) {
        try {
            Matcher version = VERSION.matcher(Files.readString(home.resolve("release")));
            return version.find() ? Integer.parseInt(version.group(1)) : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
