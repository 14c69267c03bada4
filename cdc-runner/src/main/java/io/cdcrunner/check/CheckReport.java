package io.cdcrunner.check;

import java.util.List;
import java.util.Optional;

/** The results of a preflight run, in the order the checks ran. */
public record CheckReport(List<CheckResult> results) {

    private static final String FIX_INDENT = "       ";

    public CheckReport {
        results = List.copyOf(results);
    }

    /** True when no check failed (warnings allowed). */
    public boolean passed() {
        return results.stream().noneMatch(CheckResult::failed);
    }

    public List<CheckResult> failures() {
        return results.stream().filter(CheckResult::failed).toList();
    }

    /** This report with {@code more} results after its own. */
    public CheckReport with(CheckResult... more) {
        List<CheckResult> all = new java.util.ArrayList<>(results);
        all.addAll(List.of(more));
        return new CheckReport(all);
    }

    /** The first result with this name, if any. */
    public Optional<CheckResult> find(String name) {
        return results.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    /**
     * Human-readable text: one line per check with dot leaders aligning the details, an indented
     * {@code fix:} line under each check that has one, and a summary line.
     *
     * <pre>
     * [ OK ] log_bin .......... ON
     * [FAIL] binlog_format .... STATEMENT
     *        fix: set binlog_format=ROW ...
     * </pre>
     */
    public String render() {
        int width = results.stream().mapToInt(r -> r.name().length()).max().orElse(0);
        StringBuilder out = new StringBuilder();
        for (CheckResult r : results) {
            out.append(tag(r.status())).append(' ').append(r.name()).append(' ')
                    .append(".".repeat(width - r.name().length() + 3)).append(' ').append(r.detail()).append('\n');
            if (r.fix() != null) {
                out.append(FIX_INDENT).append("fix: ").append(r.fix()).append('\n');
            }
        }
        out.append(summary()).append('\n');
        return out.toString();
    }

    private String summary() {
        long failed = results.stream().filter(r -> r.status() == CheckResult.Status.FAIL).count();
        long warned = results.stream().filter(r -> r.status() == CheckResult.Status.WARN).count();
        long skipped = results.stream().filter(r -> r.status() == CheckResult.Status.SKIP).count();
        String warnings = (warned == 0 ? "" : ", " + warned + " warning" + (warned == 1 ? "" : "s"))
                + (skipped == 0 ? "" : ", " + skipped + " skipped");
        return failed == 0
                ? "check passed: " + results.size() + " checks" + warnings
                : "check FAILED: " + failed + " of " + (results.size() - skipped) + " checks failed" + warnings;
    }

    private static String tag(CheckResult.Status status) {
        return switch (status) {
            case OK -> "[ OK ]";
            case WARN -> "[WARN]";
            case FAIL -> "[FAIL]";
            case SKIP -> "[SKIP]";
        };
    }
}
