package io.cdcrunner.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.cdcrunner.testkit.UnitTest;

@UnitTest
class CheckReportTest {

    @Test
    void rendersAlignedLinesWithFixesAndASummary() {
        CheckReport report = new CheckReport(List.of(
                CheckResult.ok("log_bin", "ON"),
                CheckResult.fail("binlog_format", "STATEMENT", "set binlog_format=ROW"),
                CheckResult.warn("gtid", "gtid_mode=OFF", null)));

        assertThat(report.render()).isEqualTo("""
                [ OK ] log_bin ......... ON
                [FAIL] binlog_format ... STATEMENT
                       fix: set binlog_format=ROW
                [WARN] gtid ............ gtid_mode=OFF
                check FAILED: 1 of 3 checks failed, 1 warning
                """);
        assertThat(report.passed()).isFalse();
        assertThat(report.failures()).extracting(CheckResult::name).containsExactly("binlog_format");
    }

    @Test
    void warningsDoNotFail() {
        CheckReport report = new CheckReport(List.of(CheckResult.ok("a", "x"), CheckResult.warn("b", "y", "z")));
        assertThat(report.passed()).isTrue();
        assertThat(report.render()).endsWith("check passed: 2 checks, 1 warning\n");
    }

    @Test
    void checksSkippedAfterAFailedLoginAreNotCountedAsFailures() {
        CheckReport report = new CheckReport(List.of(CheckResult.fail("connection", "Access denied", "check the password"),
                CheckResult.skipped("log_bin", "not connected"), CheckResult.skipped("grants", "not connected"),
                CheckResult.ok("state directory", "writable")));
        assertThat(report.render()).contains("[SKIP] log_bin ........... skipped: not connected")
                .endsWith("check FAILED: 1 of 2 checks failed, 2 skipped\n");
        assertThat(report.failures()).extracting(CheckResult::name).containsExactly("connection");
    }
}
