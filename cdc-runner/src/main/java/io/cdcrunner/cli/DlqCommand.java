package io.cdcrunner.cli;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

import io.cdcrunner.config.ConfigException;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.deadletter.ChangeEventCodec;
import io.cdcrunner.deadletter.DeadLetter;
import io.cdcrunner.deadletter.DeadLetterReplay;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.mapping.RecordMapper;
import io.cdcrunner.mapping.SourceRecordJson;
import io.cdcrunner.deadletter.DeadLetterStore;
import io.cdcrunner.deadletter.DeadLetterStoreException;
import io.cdcrunner.deadletter.DeadLetterStores;
import io.cdcrunner.delivery.EventResult;
import io.cdcrunner.core.PipelineStartException;
import io.cdcrunner.pipeline.ProcessingStack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cdc-runner dlq list|show|replay|purge --config FILE}: the events in the configured dead-letter
 * store ({@code deadletter.store}). Exit codes: 0 done; 1 a replayed event failed again, or the store or
 * processor could not be used; 2 invalid configuration, command line or unknown id.
 */
@Command(name = "dlq", description = "Inspect, replay and purge the events that failed after their last attempt.",
        subcommands = {DlqCommand.ListLetters.class, DlqCommand.Show.class, DlqCommand.Replay.class,
            DlqCommand.Purge.class})
final class DlqCommand implements Callable<Integer> {

    private static final int ERROR_WIDTH = 80;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        System.err.println("Missing subcommand: list, show, replay or purge.");
        spec.commandLine().usage(System.err);
        return ExitCodes.BAD_CONFIG;
    }

    /** Loads the configuration, opens the store and hands both to {@link #run}, mapping failures to exit codes. */
    abstract static class StoreCommand implements Callable<Integer> {

        @Mixin
        ConfigOption config;

        @Override
        public final Integer call() {
            RunnerConfig runnerConfig;
            try {
                runnerConfig = config.load();
            } catch (ConfigException e) {
                ConfigOption.printProblems(e);
                return ExitCodes.BAD_CONFIG;
            }
            try (DeadLetterStore store = DeadLetterStores.open(runnerConfig)) {
                return run(runnerConfig, store);
            } catch (ConfigException e) {
                ConfigOption.printProblems(e);
                return ExitCodes.BAD_CONFIG;
            } catch (DeadLetterStoreException e) {
                System.err.println("Dead-letter store error: " + e.getMessage());
                return ExitCodes.FAILED;
            }
        }

        abstract int run(RunnerConfig config, DeadLetterStore store);

        int unknownId(String id) {
            System.err.println("No dead letter with id '" + id + "'; 'cdc-runner dlq list --config "
                    + config.file + "' shows the ids.");
            return ExitCodes.BAD_CONFIG;
        }
    }

    @Command(name = "list", description = "List the dead letters, oldest failure first.")
    static final class ListLetters extends StoreCommand {

        @Override
        int run(RunnerConfig runnerConfig, DeadLetterStore store) {
            List<DeadLetter> letters = store.list();
            if (letters.isEmpty()) {
                System.out.println("No dead letters.");
                return ExitCodes.OK;
            }
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"ID", "TABLE", "EVENT ID", "ATTEMPTS", "LAST FAILURE", "ERROR"});
            for (DeadLetter letter : letters) {
                rows.add(new String[] {letter.id(), letter.event().qualifiedTable(), letter.event().eventId(),
                    String.valueOf(letter.attempts()), letter.lastFailedAt().toString(),
                    oneLine(letter.error(), ERROR_WIDTH)});
            }
            printTable(rows);
            System.out.println(letters.size() + (letters.size() == 1 ? " dead letter" : " dead letters"));
            return ExitCodes.OK;
        }
    }

    @Command(name = "show", description = "Show one dead letter: the event as JSON, the error and its stack trace.")
    static final class Show extends StoreCommand {

        @Parameters(index = "0", paramLabel = "ID", description = "Id as shown by 'dlq list'.")
        String id;

        @Override
        int run(RunnerConfig runnerConfig, DeadLetterStore store) {
            DeadLetter letter = store.get(id).orElse(null);
            if (letter == null) {
                return unknownId(id);
            }
            System.out.println("id:            " + letter.id());
            System.out.println("pipeline:      " + letter.pipeline());
            System.out.println("table:         " + letter.event().qualifiedTable());
            System.out.println("event id:      " + letter.event().eventId());
            if (letter.origin() != null) {
                System.out.println("read from:     " + letter.origin());
            }
            System.out.println("attempts:      " + letter.attempts());
            System.out.println("first failed:  " + letter.firstFailedAt());
            System.out.println("last failed:   " + letter.lastFailedAt());
            System.out.println("error:         " + letter.error());
            System.out.println();
            if (letter.isUnmapped()) {
                System.out.println("the change record could not be mapped to an event; 'dlq replay' maps it again."
                        + " What could be read of it:");
            } else {
                System.out.println("event:");
            }
            System.out.println(ChangeEventCodec.toPrettyJson(letter.event()));
            if (letter.isUnmapped()) {
                System.out.println();
                System.out.println("change record (Kafka Connect JSON):");
                System.out.println(letter.sourceRecord());
            }
            System.out.println();
            System.out.println("stack trace:");
            System.out.print(letter.stackTrace());
            return ExitCodes.OK;
        }
    }

    @Command(name = "replay", description = "Run the configured processor on dead letters again, through the "
            + "daemon's delivery path (and read barrier); each one that succeeds is removed. Exit 1 if any failed again.")
    static final class Replay extends StoreCommand {

        @Parameters(arity = "0..*", paramLabel = "ID", description = "Ids as shown by 'dlq list'.")
        List<String> ids = new ArrayList<>();

        @Option(names = "--all", description = "Replay every dead letter, oldest failure first.")
        boolean all;

        @Override
        int run(RunnerConfig runnerConfig, DeadLetterStore store) {
            if (all == !ids.isEmpty()) {
                System.err.println("Give either dead-letter ids or --all.");
                return ExitCodes.BAD_CONFIG;
            }
            List<DeadLetter> letters = selected(store);
            if (letters == null) {
                return ExitCodes.BAD_CONFIG;
            }
            if (letters.isEmpty()) {
                System.out.println("No dead letters to replay.");
                return ExitCodes.OK;
            }
            try (ProcessingStack processing = ProcessingStack.forReplay(runnerConfig)) {
                RecordMapper mapper = new RecordMapper();
                return replay(new DeadLetterReplay(store, processing.delivery(), processing.barrier(),
                        Clock.systemUTC(), stored -> mapStoredRecord(mapper, stored)), letters);
            } catch (PipelineStartException e) {
                System.err.println("Cannot start the processor: " + e.getMessage());
                return ExitCodes.FAILED;
            }
        }

        /** A record the daemon could not map, mapped with this version's mapping. */
        private static ChangeEvent mapStoredRecord(RecordMapper mapper, String stored) {
            ChangeEvent event = mapper.map(SourceRecordJson.read(stored));
            if (event == null) {
                throw new IllegalArgumentException("the stored record is not a row change");
            }
            return event;
        }

        /** The letters to replay in the store's order, or null (after saying why) if an id is unknown. */
        private List<DeadLetter> selected(DeadLetterStore store) {
            List<DeadLetter> stored = store.list();
            if (all) {
                return stored;
            }
            Set<String> wanted = new LinkedHashSet<>(ids);
            for (String id : wanted) {
                if (stored.stream().noneMatch(letter -> letter.id().equals(id))) {
                    unknownId(id);
                    return null;
                }
            }
            return stored.stream().filter(letter -> wanted.contains(letter.id())).toList();
        }

        private static int replay(DeadLetterReplay replay, List<DeadLetter> letters) {
            int failed = 0;
            for (DeadLetter letter : letters) {
                DeadLetterReplay.Result result = replay.replay(letter);
                if (result.succeeded()) {
                    System.out.println("OK      " + letter.id() + (result.outcome() == EventResult.DUPLICATE
                            ? "  (already applied: found in the ledger, not applied again)" : ""));
                } else {
                    failed++;
                    Exception error = result.error();
                    System.out.println("FAILED  " + letter.id() + "  " + oneLine(error.getClass().getName()
                            + (error.getMessage() == null ? "" : ": " + error.getMessage()), ERROR_WIDTH));
                }
            }
            int succeeded = letters.size() - failed;
            System.out.println("Replayed " + letters.size() + ": " + succeeded + " succeeded and were removed, "
                    + failed + " failed and stay in the dead-letter store"
                    + (failed > 0 ? " ('cdc-runner dlq show ID' shows why)." : "."));
            return failed == 0 ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    @Command(name = "purge", description = "Delete every dead letter for good. Requires --yes.")
    static final class Purge extends StoreCommand {

        @Option(names = "--yes", description = "Confirm that the dead letters are to be deleted.")
        boolean yes;

        @Override
        int run(RunnerConfig runnerConfig, DeadLetterStore store) {
            if (!yes) {
                int size = store.size();
                System.err.println("dlq purge deletes " + (size == 1 ? "the 1 dead letter" : "all " + size
                        + " dead letters") + " of pipeline " + runnerConfig.pipelineName()
                        + " for good; run it again with --yes to do so.");
                return ExitCodes.BAD_CONFIG;
            }
            int removed = store.purge();
            System.out.println("Removed " + removed + (removed == 1 ? " dead letter." : " dead letters."));
            return ExitCodes.OK;
        }
    }

    private static void printTable(List<String[]> rows) {
        int columns = rows.get(0).length;
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(i == columns - 1 ? row[i] : String.format("%-" + widths[i] + "s  ", row[i]));
            }
            System.out.println(line);
        }
    }

    private static String oneLine(String text, int max) {
        String flat = text.replaceAll("\\s+", " ").trim();
        return flat.length() <= max ? flat : flat.substring(0, max - 3) + "...";
    }
}
