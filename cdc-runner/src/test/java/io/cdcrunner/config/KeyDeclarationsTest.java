package io.cdcrunner.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.cdcrunner.testkit.UnitTest;

/** The key list is built by declaring the keys, so none is missing from the parser or the documentation. */
@UnitTest
class KeyDeclarationsTest {

    @Test
    void everyKeyConstantIsInTheListInDeclarationOrderOnce() throws Exception {
        List<ConfigKey<?>> constants = new ArrayList<>();
        for (Field field : RunnerKeys.class.getDeclaredFields()) {
            if (field.getType() == ConfigKey.class && Modifier.isStatic(field.getModifiers())) {
                constants.add((ConfigKey<?>) field.get(null));
            }
        }
        assertThat(constants).hasSizeGreaterThan(50);
        assertThat(RunnerKeys.ALL).containsExactlyElementsOf(constants);
        assertThat(RunnerKeys.ALL.stream().map(ConfigKey::name).distinct()).hasSameSizeAs(RunnerKeys.ALL);
    }

    @Test
    void anEnumKeyAcceptsItsConstantsByTheirNamesAndListsThemWhenItRefuses() {
        ConfigKey<DeliverySettings.FailureMode> key = RunnerKeys.PROCESSOR_ON_FAILURE;
        assertThat(key.type().parse("Dead-Letter")).isEqualTo(DeliverySettings.FailureMode.DEAD_LETTER);
        assertThat(key.defaultText()).contains("dead-letter");
        assertThat(key.expected()).isEqualTo("one of dead-letter, halt");
        assertThat(key.type().render(DeliverySettings.FailureMode.HALT)).isEqualTo("halt");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> key.type().parse("retry"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
