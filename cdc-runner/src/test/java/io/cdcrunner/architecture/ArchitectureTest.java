package io.cdcrunner.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.conditions.ArchConditions.callMethodWhere;
import static com.tngtech.archunit.lang.conditions.ArchConditions.dependOnClassesThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.lang.reflect.AccessibleObject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;

import io.cdcrunner.testkit.UnitTest;

/**
 * The daemon's layering, as its packages must keep it: the processor API at the bottom, then the foundations
 * (configuration, state files, the JDBC way to the source and the one pool builder, GTID values, cause summaries, the
 * preflight checks), then the source-neutral core
 * (pipeline, lanes, retries, ledger, dead letters, read barrier, metrics), then the event sources, then the
 * commands. The event sources stand on three packages of their own: every Debezium patch and plug-in
 * ({@code debezium}), the record mapping both sources share ({@code mapping}), and the probe of the source database
 * ({@code connector}); neither source depends on the other. No package depends on one above it, and no two packages
 * depend on each other.
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
        assertThat(classes.contain(io.cdcrunner.kafka.KafkaSource.class)).isTrue();
        assertThat(classes.contain(io.cdcrunner.debezium.PromptMariaDbConnector.class)).isTrue();
        assertThat(classes.contain(io.cdcrunner.mapping.RecordMapper.class)).isTrue();
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
                        "io.cdcrunner.state..", "io.cdcrunner.source..", "io.cdcrunner.check..", "io.cdcrunner.jdbc..",
                        "io.cdcrunner.gtid..", "io.cdcrunner.errors..")
                .layer("Core").definedBy("io.cdcrunner.core..", "io.cdcrunner.delivery..", "io.cdcrunner.deadletter..",
                        "io.cdcrunner.visibility..", "io.cdcrunner.metrics..", "io.cdcrunner.pipeline..", "io.cdcrunner.ha..")
                .layer("Debezium patches").definedBy("io.cdcrunner.debezium..")
                .layer("Mapping").definedBy("io.cdcrunner.mapping..")
                .layer("Source probe").definedBy("io.cdcrunner.connector..")
                .layer("Sources").definedBy("io.cdcrunner.binlog..", "io.cdcrunner.kafka..")
                .layer("Assembly").definedBy("io.cdcrunner.assembly..")
                .layer("Commands").definedBy("io.cdcrunner.cli..")
                .whereLayer("Commands").mayNotBeAccessedByAnyLayer()
                .whereLayer("Assembly").mayOnlyBeAccessedByLayers("Commands")
                .whereLayer("Sources").mayOnlyBeAccessedByLayers("Assembly", "Commands")
                .whereLayer("Source probe").mayOnlyBeAccessedByLayers("Sources", "Commands")
                .whereLayer("Mapping").mayOnlyBeAccessedByLayers("Sources", "Commands")
                .whereLayer("Debezium patches").mayOnlyBeAccessedByLayers("Mapping", "Sources", "Commands")
                .whereLayer("Core").mayOnlyBeAccessedByLayers("Source probe", "Mapping", "Sources", "Assembly",
                        "Commands")
                .whereLayer("Foundations").mayOnlyBeAccessedByLayers("Core", "Debezium patches", "Source probe", "Mapping",
                        "Sources", "Assembly", "Commands")
                .check(classes);
    }

    @Test
    void neitherSourceDependsOnTheOther() {
        noClasses().that().resideInAPackage("io.cdcrunner.kafka..")
                .should().dependOnClassesThat().resideInAPackage("io.cdcrunner.binlog..").check(classes);
        noClasses().that().resideInAPackage("io.cdcrunner.binlog..")
                .should().dependOnClassesThat().resideInAPackage("io.cdcrunner.kafka..").check(classes);
    }

    @Test
    void onlyTheDebeziumPackageReachesIntoPrivateFieldsAndMethods() {
        // Every patch of Debezium's or the binlog client's internals lives in io.cdcrunner.debezium, resolved through
        // Reflect and tested by DebeziumPatchesTest.
        noClasses().that().resideOutsideOfPackage("io.cdcrunner.debezium..").should(REACH_INTO_PRIVATE_MEMBERS).check(classes);
        // The rule sees such calls: the patches make them.
        assertThatThrownBy(() -> noClasses().that().resideInAPackage("io.cdcrunner.debezium..")
                .should(REACH_INTO_PRIVATE_MEMBERS).check(classes)).isInstanceOf(AssertionError.class);
    }

    private static final ArchCondition<JavaClass> REACH_INTO_PRIVATE_MEMBERS =
            callMethodWhere(target(owner(assignableTo(AccessibleObject.class)))
                    .and(target(name("setAccessible").or(name("trySetAccessible")))))
            .or(callMethodWhere(target(owner(assignableTo(Class.class)))
                    .and(target(nameMatching("getDeclared(Field|Fields|Method|Methods)")))))
            .or(dependOnClassesThat(JavaClass.Predicates.equivalentTo(java.lang.invoke.MethodHandles.class)))
            .as("reach into private fields or methods by reflection");

    @Test
    void onlyTheSourcesSpeakToTheEngineAndConnect() {
        noClasses().that().resideOutsideOfPackages("io.cdcrunner.binlog..", "io.cdcrunner.kafka..", "io.cdcrunner.cli..",
                        "io.cdcrunner.debezium..", "io.cdcrunner.mapping..", "io.cdcrunner.connector..")
                .should().dependOnClassesThat().resideInAnyPackage("io.debezium..", "org.apache.kafka.connect..")
                .check(classes);
    }

    @Test
    void theDaemonHoldsNoDevelopmentTooling() {
        // The throwaway database and brokers, the load writers, the polling baseline and the demo live in devkit/ and
        // demo/.
        assertThat(classes.stream().filter(c -> c.getPackageName().matches("io\\.cdcrunner\\.(demo|localdb|brokers|load|baseline)(\\..*)?")
                && c.getSource().map(source -> source.getUri().toString().contains("/cdc-runner/target/classes/")).orElse(false)))
                .isEmpty();
        noClasses().that().resideOutsideOfPackages("io.cdcrunner.localdb..", "io.cdcrunner.brokers..", "io.cdcrunner.load..",
                        "io.cdcrunner.baseline..")
                .should().dependOnClassesThat().resideInAnyPackage("io.cdcrunner.localdb..", "io.cdcrunner.brokers..",
                        "io.cdcrunner.load..", "io.cdcrunner.baseline..", "io.cdcrunner.demo..")
                .check(classes);
    }

    @Test
    void theProcessorApiDependsOnNothingOfTheDaemon() {
        noClasses().that().resideInAPackage("io.cdcrunner.processor..")
                .should().dependOnClassesThat().resideInAnyPackage("io.cdcrunner.core..", "io.cdcrunner.pipeline..",
                        "io.cdcrunner.binlog..", "io.cdcrunner.kafka..", "io.cdcrunner.debezium..", "io.cdcrunner.mapping..",
                        "io.cdcrunner.connector..", "io.cdcrunner.config..", "io.cdcrunner.cli..")
                .check(classes);
    }
}
