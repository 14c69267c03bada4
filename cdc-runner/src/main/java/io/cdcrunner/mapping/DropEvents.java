package io.cdcrunner.mapping;

import java.util.List;

import io.cdcrunner.processor.ChangeEvent;

/** Turns a schema change into the table events it stands for (DROP TABLE, DROP DATABASE), in statement order. */
@FunctionalInterface
public interface DropEvents {

    /** The events of {@code change}, empty when it drops nothing the pipeline delivers. */
    List<ChangeEvent> of(SchemaChange change);
}
