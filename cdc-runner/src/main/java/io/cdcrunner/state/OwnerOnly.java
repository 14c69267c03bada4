package io.cdcrunner.state;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Files and directories only the daemon's user may read: {@code rw-------} and {@code rwx------}. The state
 * directory holds the source's layout (schema history), its positions and failed events with their values. On a
 * file system without POSIX permissions these are plain operations.
 */
public final class OwnerOnly {

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private OwnerOnly() {
    }

    /** Opens {@code file}, created {@code rw-------} if {@code options} create it. */
    public static FileChannel open(Path file, OpenOption... options) throws IOException {
        Set<OpenOption> optionSet = Set.of(options);
        if (POSIX) {
            FileAttribute<?> ownerOnly = PosixFilePermissions.asFileAttribute(FILE);
            return FileChannel.open(file, optionSet, ownerOnly);
        }
        return FileChannel.open(file, optionSet);
    }

    /** Creates {@code dir} {@code rwx------} if missing (its parents as usual). */
    public static void createDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Files.createDirectories(dir.toAbsolutePath().getParent());
        if (POSIX) {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
            // The umask may have taken bits away; never added any. Set them exactly.
            Files.setPosixFilePermissions(dir, DIRECTORY);
        } else {
            Files.createDirectory(dir);
        }
    }

    /**
     * Takes every permission of group and others away from {@code dir} and from the files and directories in it
     * (links are left alone).
     *
     * @return what was changed, each as {@code path (rwxr-xr-x)}, its mode before
     */
    public static List<String> tighten(Path dir) throws IOException {
        List<String> changed = new ArrayList<>();
        if (POSIX) {
            tighten(dir, changed);
        }
        return changed;
    }

    private static void tighten(Path path, List<String> changed) throws IOException {
        boolean directory = Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS);
        if (!directory && !Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
        Set<PosixFilePermission> wanted = directory ? DIRECTORY : FILE;
        if (!mode.equals(wanted) && !isTighter(mode, wanted)) {
            Files.setPosixFilePermissions(path, wanted);
            changed.add(path + " (" + PosixFilePermissions.toString(mode) + ")");
        }
        if (directory) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(path)) {
                for (Path entry : entries) {
                    tighten(entry, changed);
                }
            }
        }
    }

    /** A mode that gives group and others nothing is left as the owner chose it. */
    private static boolean isTighter(Set<PosixFilePermission> mode, Set<PosixFilePermission> wanted) {
        return mode.stream().noneMatch(p -> p.name().startsWith("GROUP_") || p.name().startsWith("OTHERS_"));
    }
}
