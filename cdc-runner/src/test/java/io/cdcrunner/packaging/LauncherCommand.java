package io.cdcrunner.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One command of the distribution's launcher ({@code bin/cdc-runner ARGS}), run to its end: its exit code and output. */
record LauncherCommand(int exitCode, String output) {

    /**
     * Runs {@code launcher args} with {@code env} added to the environment, its output (stdout and stderr) in a file
     * of {@code workDir}.
     *
     * @throws IllegalStateException when it does not end within {@code timeoutSeconds}
     */
    static LauncherCommand run(Path workDir, long timeoutSeconds, Path launcher, Map<String, String> env,
                               String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.addAll(List.of(args));
        Path out = Files.createTempFile(workDir, "command-", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish");
        }
        return new LauncherCommand(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }
}
