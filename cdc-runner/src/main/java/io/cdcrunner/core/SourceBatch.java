package io.cdcrunner.core;

import java.util.List;

/** One batch a source hands over: its items in source order, each read and mapped once. */
public interface SourceBatch {

    List<SourceItem> items();

    /**
     * Every item before {@code upTo} is finished (processed, skipped as a duplicate, dead-lettered, or nothing to
     * process): the source may record the position after it. Called with growing values; an item never finished is
     * read again after a restart.
     */
    void finished(int upTo);
}
