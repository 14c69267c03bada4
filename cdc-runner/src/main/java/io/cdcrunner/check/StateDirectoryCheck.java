package io.cdcrunner.check;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import io.cdcrunner.state.OwnerOnly;

/**
 * The state directory (offsets, schema history) exists or can be created, and a file written there reaches
 * the disk: the daemon cannot keep its place in the binlog otherwise.
 */
final class StateDirectoryCheck {

    static final String NAME = "state directory";

    private StateDirectoryCheck() {
    }

    static CheckResult run(Path stateDir) {
        Path dir = stateDir.toAbsolutePath().normalize();
        String runAs = System.getProperty("user.name");
        Path blocker = firstNonDirectory(dir);
        if (blocker != null) {
            return CheckResult.fail(NAME, dir + " cannot be a directory: " + blocker + " is a file",
                    "choose a state directory that is not under the file " + blocker + " (owner: " + owner(blocker)
                            + "), or move that file away");
        }
        Path probe = dir.resolve(".cdc-runner-probe-" + ProcessHandle.current().pid());
        try {
            // Created as the daemon would: only its user may read the state (a later run tightens one that exists).
            OwnerOnly.createDirectory(dir);
            try (FileChannel ch = FileChannel.open(probe, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap("cdc-runner write probe\n".getBytes(StandardCharsets.US_ASCII)));
                ch.force(true);
            }
            Files.delete(probe);
            return CheckResult.ok(NAME, dir + " is writable");
        } catch (IOException | SecurityException e) {
            deleteQuietly(probe);
            Path existing = nearestExisting(dir);
            return CheckResult.fail(NAME, dir + " is not writable by user '" + runAs + "': " + describe(e),
                    "make " + existing + " (owner: " + owner(existing) + ") writable by '" + runAs + "', e.g. "
                            + "chown -R " + runAs + " " + existing + ", or choose another state directory");
        }
    }

    /** The first path on the way to {@code dir} that exists but is not a directory, or {@code null}. */
    private static Path firstNonDirectory(Path dir) {
        Path current = dir.getRoot();
        for (Path part : dir) {
            current = current == null ? part : current.resolve(part);
            if (Files.exists(current) && !Files.isDirectory(current)) {
                return current;
            }
        }
        return null;
    }

    private static Path nearestExisting(Path dir) {
        Path p = dir;
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        return p == null ? dir : p;
    }

    private static String owner(Path path) {
        try {
            return Files.getOwner(path).getName();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return "unknown";
        }
    }

    private static String describe(Exception e) {
        String type = e.getClass().getSimpleName().replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2");
        return e.getMessage() == null ? type : type + " (" + e.getMessage() + ")";
    }

    private static void deleteQuietly(Path probe) {
        try {
            Files.deleteIfExists(probe);
        } catch (IOException ignored) {
            // The probe was never created or cannot be removed; the failure is already reported.
        }
    }
}
