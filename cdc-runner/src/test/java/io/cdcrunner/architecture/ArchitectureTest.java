package io.cdcrunner.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import io.cdcrunner.testkit.UnitTest;

/**
 * The daemon's layering, as its packages must keep it: the processor API at the bottom, then the foundations
 * (configuration, state files, the JDBC way to the source, the preflight checks), then the source-neutral core
 * (pipeline, lanes, retries, ledger, dead letters, read barrier, metrics), then the event sources, then the
 * commands. No package depends on one above it, and no two packages depend on each other.
 */
@UnitTest
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar")) // the processor's test kit
                .importPackages("io.cdcrunner");
        // The rules below pass vacuously on an empty import: the daemon and the processor API must both be in it.
        assertThat(classes.contain(io.cdcrunner.pipeline.Pipeline.class)).isTrue();
        assertThat(classes.contain(io.cdcrunner.binlog.BinlogSource.class)).isTrue();
        assertThat(classes.contain(io.cdcrunner.processor.ChangeEvent.class)).isTrue();
    }

    @Test
    void noPackageCycles() {
        slices().matching("io.cdcrunner.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void layersDependOnlyDownwards() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("Processor API").definedBy("io.cdcrunner.processor..")
                .layer("Foundations").definedBy("io.cdcrunner.config..", "io.cdcrunner.logging..",
                        "io.cdcrunner.state..", "io.cdcrunner.source..", "io.cdcrunner.check..")
                .layer("Core").definedBy("io.cdcrunner.core..", "io.cdcrunner.delivery..", "io.cdcrunner.deadletter..",
                        "io.cdcrunner.visibility..", "io.cdcrunner.metrics..", "io.cdcrunner.pipeline..", "io.cdcrunner.ha..")
                .layer("Sources").definedBy("io.cdcrunner.binlog..", "io.cdcrunner.kafka..")
                .layer("Commands").definedBy("io.cdcrunner.cli..")
                .whereLayer("Commands").mayNotBeAccessedByAnyLayer()
                .whereLayer("Sources").mayOnlyBeAccessedByLayers("Commands")
                .whereLayer("Core").mayOnlyBeAccessedByLayers("Sources", "Commands")
                .whereLayer("Foundations").mayOnlyBeAccessedByLayers("Core", "Sources", "Commands")
                .check(classes);
    }

    @Test
    void onlyTheSourcesSpeakToTheEngineAndConnect() {
        noClasses().that().resideOutsideOfPackages("io.cdcrunner.binlog..", "io.cdcrunner.kafka..", "io.cdcrunner.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("io.debezium..", "org.apache.kafka.connect..")
                .check(classes);
    }

    @Test
    void theDaemonHoldsNoDevelopmentTooling() {
        // The throwaway database, the load writers, the polling baseline and the demo live in devkit/ and demo/.
        assertThat(classes.stream().filter(c -> c.getPackageName().matches("io\\.cdcrunner\\.(demo|localdb|load|baseline)(\\..*)?")
                && c.getSource().map(source -> source.getUri().toString().contains("/cdc-runner/target/classes/")).orElse(false)))
                .isEmpty();
        noClasses().that().resideOutsideOfPackages("io.cdcrunner.localdb..", "io.cdcrunner.load..", "io.cdcrunner.baseline..")
                .should().dependOnClassesThat().resideInAnyPackage("io.cdcrunner.localdb..", "io.cdcrunner.load..",
                        "io.cdcrunner.baseline..", "io.cdcrunner.demo..")
                .check(classes);
    }

    @Test
    void theProcessorApiDependsOnNothingOfTheDaemon() {
        noClasses().that().resideInAPackage("io.cdcrunner.processor..")
                .should().dependOnClassesThat().resideInAnyPackage("io.cdcrunner.core..", "io.cdcrunner.pipeline..",
                        "io.cdcrunner.binlog..", "io.cdcrunner.config..", "io.cdcrunner.cli..")
                .check(classes);
    }
}
