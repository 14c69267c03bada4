package io.cdcrunner.localdb;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Finds the MariaDB server programs on PATH or in the Debian locations. */
final class Binaries {

    private Binaries() {
    }

    static String find(String name) {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(File.pathSeparator)));
        }
        dirs.addAll(List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"));
        for (String dir : dirs) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    static String require(String name) {
        String found = find(name);
        if (found == null) {
            throw new IllegalStateException(name + " not found: install the MariaDB server "
                    + "(Debian/Ubuntu: sudo apt-get install mariadb-server) or put " + name + " on PATH");
        }
        return found;
    }
}
