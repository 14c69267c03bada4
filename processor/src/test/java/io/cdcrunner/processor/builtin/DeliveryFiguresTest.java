package io.cdcrunner.processor.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;

import javax.management.JMX;
import javax.management.ObjectName;

import org.junit.jupiter.api.Test;

import io.cdcrunner.testkit.UnitTest;

@UnitTest
class DeliveryFiguresTest {

    @Test
    void aReaderInTheSameJvmFindsTheFiguresUnderTheExactNameObjectNameGives() throws Exception {
        assertThat(DeliveryFigures.objectName("demo-celery"))
                .isEqualTo(new ObjectName("cdc.runner:type=Processor,name=demo-celery"));
        try (DeliveryFigures figures = DeliveryFigures.register("figures-by-name", "redis://127.0.0.1:6379/0")) {
            figures.published(3);
            figures.confirmed(2, 1_000_000);
            DeliveryFiguresMXBean read = JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(),
                    DeliveryFigures.objectName("figures-by-name"), DeliveryFiguresMXBean.class);
            assertThat(read.getMessagesPublished()).isEqualTo(3);
            assertThat(read.getMessagesConfirmed()).isEqualTo(2);
        }
    }

    @Test
    void closingOlderFiguresLeavesTheNewerOnesOfTheSameNameRegistered() throws Exception {
        ObjectName name = DeliveryFigures.objectName("figures-reopened");
        DeliveryFigures older = DeliveryFigures.register("figures-reopened", "https://a/x");
        try (DeliveryFigures newer = DeliveryFigures.register("figures-reopened", "https://b/y")) {
            older.close();
            assertThat(ManagementFactory.getPlatformMBeanServer().getAttribute(name, "Target")).isEqualTo("https://b/y");
        }
        assertThat(ManagementFactory.getPlatformMBeanServer().isRegistered(name)).isFalse();
    }

    @Test
    void aNameJmxCannotTakeAsItIsIsQuoted() throws Exception {
        assertThat(DeliveryFigures.objectName("shop, orders"))
                .isEqualTo(new ObjectName("cdc.runner:type=Processor,name=" + ObjectName.quote("shop, orders")));
    }
}
