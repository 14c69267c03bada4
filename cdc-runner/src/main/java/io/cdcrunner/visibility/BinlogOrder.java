package io.cdcrunner.visibility;

import java.util.Comparator;

import io.cdcrunner.processor.SourcePosition;

/**
 * Commit order of events read from one source's binlog: by file sequence number, then byte offset, then row
 * within the rows event. Files are {@code basename.NNNNNN}; the number is compared as a number, so
 * {@code binlog.1000000} follows {@code binlog.999999}.
 */
final class BinlogOrder {

    static final Comparator<SourcePosition> COMPARATOR = BinlogOrder::compare;

    private BinlogOrder() {
    }

    static int compare(SourcePosition a, SourcePosition b) {
        int files = Long.compare(fileNumber(a.binlogFile()), fileNumber(b.binlogFile()));
        if (files != 0) {
            return files;
        }
        if (!a.binlogFile().equals(b.binlogFile())) {
            return a.binlogFile().compareTo(b.binlogFile());
        }
        int offsets = Long.compare(a.binlogPosition(), b.binlogPosition());
        return offsets != 0 ? offsets : Integer.compare(a.row(), b.row());
    }

    /** True when {@code a} is at or before {@code b}; nothing is at or before {@code null}. */
    static boolean atOrBefore(SourcePosition a, SourcePosition b) {
        return b != null && compare(a, b) <= 0;
    }

    private static long fileNumber(String file) {
        int dot = file.lastIndexOf('.');
        try {
            return dot < 0 ? -1 : Long.parseLong(file.substring(dot + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
