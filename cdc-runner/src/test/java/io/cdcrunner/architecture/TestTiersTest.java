package io.cdcrunner.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.platform.commons.support.AnnotationSupport;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;

import io.cdcrunner.testkit.Tiers;
import io.cdcrunner.testkit.UnitTest;

/**
 * Every test class of the daemon and of the processor API (its test jar is on this classpath) carries exactly one tier
 * tag, and no class in a cheaper tier than its helpers: a class that reaches a database helper, directly or through
 * other test code, is not unit; one that reaches an embedded Kafka is kafka or fault; one that runs daemon processes
 * is fault. {@code make test-fast} trusts these tags.
 */
@UnitTest
class TestTiersTest {

    /** Helpers by the cheapest tier a test that reaches them may have, as class-name prefixes. */
    private static final Map<String, List<String>> HELPERS = Map.of(
            Tiers.DATABASE, List.of("io.cdcrunner.localdb.", "io.cdcrunner.brokers.", "io.cdcrunner.testdb.",
                    "org.testcontainers.",
                    "io.cdcrunner.processor.builtin.FamilyTestDatabase"),
            Tiers.KAFKA, List.of("org.apache.kafka.connect.util.clusters.", "org.apache.kafka.common.test.",
                    "io.cdcrunner.kafka.ConnectCluster", "io.cdcrunner.kafka.ConnectWorkerProcess"),
            Tiers.FAULT, List.of("io.cdcrunner.faults.DaemonProcess", "io.cdcrunner.faults.FaultDatabase"));

    private static List<JavaClass> testClasses;

    @BeforeAll
    static void importTestClasses() {
        // Our own classes alone: the helpers outside them are recognised by name, and following every dependency into
        // Debezium and Kafka would take this test from a second to half a minute.
        ArchConfiguration archunit = ArchConfiguration.get();
        boolean resolving = archunit.resolveMissingDependenciesFromClassPath();
        JavaClasses classes;
        try {
            archunit.setResolveMissingDependenciesFromClassPath(false);
            classes = new ClassFileImporter().importPackages("io.cdcrunner");
        } finally {
            archunit.setResolveMissingDependenciesFromClassPath(resolving);
        }
        testClasses = classes.stream()
                .filter(c -> !c.getModifiers().contains(JavaModifier.ABSTRACT) && hasTests(c))
                .toList();
        // Vacuous on an empty import: both modules' tests must be in it.
        assertThat(testClasses).extracting(JavaClass::getSimpleName)
                .contains("TestTiersTest", "EventDispatcherTest", "HaFailoverFaultTest", "FamilySettingsTest");
    }

    @Test
    void everyTestClassCarriesExactlyOneTier() {
        List<String> wrong = new ArrayList<>();
        for (JavaClass test : testClasses) {
            Set<String> tiers = tiers(test);
            if (tiers.size() != 1) {
                wrong.add(test.getName() + " " + tiers);
            }
        }
        assertThat(wrong).as("test classes without one of @UnitTest, @DatabaseTest, @KafkaTest, @FaultTest").isEmpty();
    }

    @Test
    void noTestClassIsInACheaperTierThanTheHelpersItReaches() {
        List<String> wrong = new ArrayList<>();
        for (JavaClass test : testClasses) {
            Set<String> tiers = tiers(test);
            if (tiers.size() != 1) {
                continue;
            }
            int tier = Tiers.ALL.indexOf(tiers.iterator().next());
            String needed = neededTier(test);
            if (Tiers.ALL.indexOf(needed) > tier) {
                wrong.add(test.getName() + " is " + tiers + " but reaches " + needed + " helpers");
            }
        }
        assertThat(wrong).isEmpty();
    }

    private static String neededTier(JavaClass test) {
        Set<String> reached = new TreeSet<>();
        reached.add(test.getName());
        test.getTransitiveDependenciesFromSelf().forEach(d -> reached.add(d.getTargetClass().getName()));
        for (JavaClass superclass : test.getAllRawSuperclasses()) {
            superclass.getTransitiveDependenciesFromSelf().forEach(d -> reached.add(d.getTargetClass().getName()));
        }
        String needed = Tiers.UNIT;
        for (String tier : Tiers.ALL) {
            for (String prefix : HELPERS.getOrDefault(tier, List.of())) {
                if (reached.stream().anyMatch(name -> name.startsWith(prefix))) {
                    needed = tier;
                }
            }
        }
        return needed;
    }

    private static Set<String> tiers(JavaClass test) {
        Set<String> tiers = new TreeSet<>();
        for (Tag tag : AnnotationSupport.findRepeatableAnnotations(test.reflect(), Tag.class)) {
            if (Tiers.ALL.contains(tag.value())) {
                tiers.add(tag.value());
            }
        }
        return tiers;
    }

    private static boolean hasTests(JavaClass c) {
        if (c.isAnnotation() || c.isInterface()) {
            return false;
        }
        List<JavaClass> hierarchy = new ArrayList<>(c.getAllRawSuperclasses());
        hierarchy.add(c);
        return hierarchy.stream().flatMap(k -> k.getMethods().stream()).anyMatch(m -> m.isAnnotatedWith(Test.class)
                || m.isAnnotatedWith("org.junit.jupiter.params.ParameterizedTest"));
    }
}
