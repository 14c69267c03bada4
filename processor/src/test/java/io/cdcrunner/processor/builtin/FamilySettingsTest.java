package io.cdcrunner.processor.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.cdcrunner.processor.NonRetryableException;
import io.cdcrunner.processor.ProcessorConfig;
import io.cdcrunner.testkit.UnitTest;

@UnitTest
class FamilySettingsTest {

    @Test
    void requiredKeysAndDefaults() {
        ProcessorConfig config = new ProcessorConfig(Map.of(
                "family.table", "shop.orders", "family.column", "customer_id", "family.value.column", "amount"));

        FamilySettings settings = FamilySettings.from(config);

        assertThat(settings).isEqualTo(new FamilySettings(
                "shop", "orders", "customer_id", "amount", "id", null, "orders_family_summary"));
        assertThat(settings.effectiveSummaryDatabase()).isEqualTo("shop");
        assertThat(config.unreadKeys()).isEmpty();
    }

    @Test
    void everyKeyIsReadSoNoneIsReportedAsATypo() {
        ProcessorConfig config = new ProcessorConfig(Map.of(
                "family.table", "orders", "family.column", "customer_id", "family.value.column", "amount",
                "family.id.column", "order_no", "family.summary.table", "stats.per_customer",
                "famliy.column", "typo"));

        FamilySettings settings = FamilySettings.from(config);

        assertThat(settings).isEqualTo(new FamilySettings(
                null, "orders", "customer_id", "amount", "order_no", "stats", "per_customer"));
        assertThat(settings.withDefaultDatabase("shop").database()).isEqualTo("shop");
        assertThat(config.unreadKeys()).containsExactly("famliy.column");
    }

    @Test
    void missingRequiredKeysAreReportedTogether() {
        assertThatThrownBy(() -> FamilySettings.from(new ProcessorConfig(Map.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing required key processor.family.table")
                .hasMessageContaining("missing required key processor.family.column")
                .hasMessageContaining("missing required key processor.family.value.column");
    }

    @Test
    void namesThatCouldInjectSqlAreRejectedNamingKeyAndValue() {
        ProcessorConfig config = new ProcessorConfig(Map.of(
                "family.table", "orders; DROP TABLE users", "family.column", "customer_id` = 1 OR `x",
                "family.value.column", "amount", "family.id.column", "id--",
                "family.summary.table", "a.b.c"));

        assertThatThrownBy(() -> FamilySettings.from(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("processor.family.table=orders; DROP TABLE users is not db.table or table")
                .hasMessageContaining("processor.family.column=customer_id` = 1 OR `x is not a column name")
                .hasMessageContaining("processor.family.id.column=id-- is not a column name")
                .hasMessageContaining("processor.family.summary.table=a.b.c is not db.table or table");
    }

    @Test
    void tooLongDefaultSummaryNameAsksForAnExplicitOne() {
        String table = "t".repeat(60);
        ProcessorConfig config = new ProcessorConfig(Map.of(
                "family.table", table, "family.column", "f", "family.value.column", "v"));

        assertThatThrownBy(() -> FamilySettings.from(config))
                .hasMessageContaining("longer than 64 characters: set processor.family.summary.table");
    }

    @Test
    void constructorChecksNamesToo() {
        assertThatThrownBy(() -> new FamilySettings("shop", "orders", "customer id", "amount", "id", null, "s"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("family column 'customer id'");
    }

    @Test
    void processorOpenFailsOnBadConfigurationBeforeTouchingTheDatabase() {
        FamilyAggregateProcessor processor = new FamilyAggregateProcessor();

        assertThatThrownBy(() -> processor.open(TestContexts.withoutDatabase(Map.of(
                "family.table", "shop.orders", "family.column", "customer_id", "family.value.column", "amount)"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("processor.family.value.column=amount)");
    }

    @Test
    void familyKeysAreTheTextTheServerPrints() {
        assertThat(FamilyAggregateProcessor.familyKey(new BigDecimal("12.50"))).isEqualTo("12.50");
        assertThat(FamilyAggregateProcessor.familyKey(new BigDecimal("1E+3"))).isEqualTo("1000");
        assertThat(FamilyAggregateProcessor.familyKey(new BigInteger("18446744073709551615")))
                .isEqualTo("18446744073709551615");
        assertThat(FamilyAggregateProcessor.familyKey((short) -3)).isEqualTo("-3");
        assertThat(FamilyAggregateProcessor.familyKey(LocalDate.of(2026, 1, 2))).isEqualTo("2026-01-02");
        assertThat(FamilyAggregateProcessor.familyKey("Zoë")).isEqualTo("Zoë");
        assertThatThrownBy(() -> FamilyAggregateProcessor.familyKey(LocalDateTime.of(2026, 1, 2, 3, 4)))
                .isInstanceOf(NonRetryableException.class);
        assertThatThrownBy(() -> FamilyAggregateProcessor.familyKey("x".repeat(192)))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageContaining("longer than 191 characters");
    }
}
