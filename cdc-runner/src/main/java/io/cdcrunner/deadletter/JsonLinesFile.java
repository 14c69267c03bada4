package io.cdcrunner.deadletter;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

import io.cdcrunner.state.OwnerOnly;

/**
 * A file of lines that survives crashes: appends are forced to disk, rewrites replace the file atomically
 * (temporary file, force, atomic rename, directory force), and an exclusive lock shared with other processes
 * guards every operation. Files are created readable by their owner only: they hold row data.
 */
final class JsonLinesFile {

    /** Same-path users in this JVM wait here: a JVM cannot hold two OS locks on one file. */
    private static final ConcurrentMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private final Path path;
    private final Path lockPath;
    private final Path tempPath;

    JsonLinesFile(Path path) {
        this.path = path.toAbsolutePath().normalize();
        this.lockPath = this.path.resolveSibling(this.path.getFileName() + ".lock");
        this.tempPath = this.path.resolveSibling(this.path.getFileName() + ".tmp");
    }

    Path path() {
        return path;
    }

    /** What identifies the file's content without reading it; {@link #MISSING} when there is no file. */
    record Version(Object fileKey, long size, FileTime modified) {
        static final Version MISSING = new Version(null, 0, null);

        /** True if this is {@code earlier} with lines appended (a rewrite gives a new file key). */
        boolean grewFrom(Version earlier) {
            return earlier != null && fileKey != null && fileKey.equals(earlier.fileKey) && size > earlier.size;
        }
    }

    interface IoAction<T> {
        T run() throws IOException;
    }

    /** Runs {@code action} holding the file's exclusive lock, against this JVM and other processes. */
    <T> T locked(IoAction<T> action) throws IOException {
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(path, p -> new ReentrantLock());
        jvmLock.lock();
        try (FileChannel channel = open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            return action.run();
        } finally {
            jvmLock.unlock();
        }
    }

    Version version() throws IOException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            return new Version(attributes.fileKey(), attributes.size(), attributes.lastModifiedTime());
        } catch (NoSuchFileException e) {
            return Version.MISSING;
        }
    }

    /** The file's bytes from {@code offset} on; none if there is no file. */
    byte[] readFrom(long offset) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long length = channel.size() - offset;
            if (length > Integer.MAX_VALUE - 8) {
                throw new IOException(path + " is larger than 2 GiB; move it away and replay or purge it in parts");
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.max(0, length));
            while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) >= 0) {
                // read until full: the file only grows under the lock we hold
            }
            return buffer.array();
        } catch (NoSuchFileException e) {
            return new byte[0];
        }
    }

    /** Appends {@code line} and a line break, durably; on failure the file is cut back to where it was. */
    void append(String line) throws IOException {
        boolean created = !Files.exists(path);
        try (FileChannel channel = open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            long before = channel.size();
            ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
            try {
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            } catch (IOException e) {
                // A half-written line would glue itself to the next append and corrupt both.
                try {
                    channel.truncate(before);
                    channel.force(true);
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }
        if (created) {
            forceDirectory();
        }
    }

    /** Cuts the file to {@code size} bytes, durably. */
    void truncate(long size) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
            channel.truncate(size);
            channel.force(true);
        }
    }

    /** Replaces the file with {@code lines}, atomically: a crash leaves the old file or the new one, whole. */
    void rewrite(Iterable<String> lines) throws IOException {
        try (FileChannel channel = open(tempPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024);
            for (String line : lines) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
            channel.force(true);
        }
        Files.move(tempPath, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory();
    }

    /** Makes a created or renamed file's directory entry durable. */
    private void forceDirectory() {
        try (FileChannel directory = FileChannel.open(path.getParent(), StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException e) {
            // Some platforms cannot open a directory; the rename itself is still atomic there.
        }
    }

    private static FileChannel open(Path file, OpenOption... options) throws IOException {
        return OwnerOnly.open(file, options);
    }

    @Override
    public String toString() {
        return Objects.toString(path);
    }
}
