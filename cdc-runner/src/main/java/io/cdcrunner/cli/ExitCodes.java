package io.cdcrunner.cli;

/**
 * Process exit codes, documented in {@code docs/operations.md}.
 * <ul>
 *   <li>0: stopped cleanly (SIGTERM/SIGINT, or a command that succeeded);</li>
 *   <li>1: the pipeline could not start or failed while running (the log says why);</li>
 *   <li>2: invalid configuration or command line (every problem is printed); {@code snapshot}: the daemon refused
 *       the request (the reason is printed);</li>
 *   <li>3: {@code check} found a problem with the source or the state directory;</li>
 *   <li>4: {@code status}: the daemon answered but is not healthy;</li>
 *   <li>5: {@code status}: no daemon could be reached; {@code snapshot}: no daemon serving backfills could be
 *       reached (none answered, or its pipeline serves none: a standby, a Kafka source, a pipeline not streaming).</li>
 * </ul>
 */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int BAD_CONFIG = 2;
    public static final int CHECK_FAILED = 3;
    public static final int UNHEALTHY = 4;
    public static final int UNREACHABLE = 5;

    private ExitCodes() {
    }
}
