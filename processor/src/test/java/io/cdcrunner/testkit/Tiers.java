package io.cdcrunner.testkit;

import java.util.List;

/** The JUnit tag of each test tier, cheapest first; every test class carries exactly one of them. */
public final class Tiers {

    public static final String UNIT = "unit";
    public static final String DATABASE = "database";
    public static final String KAFKA = "kafka";
    public static final String FAULT = "fault";

    public static final List<String> ALL = List.of(UNIT, DATABASE, KAFKA, FAULT);

    private Tiers() {
    }
}
