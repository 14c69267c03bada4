package io.cdcrunner.testdb;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.pipeline.TestPipelines;

/**
 * One throwaway server for a test class run on each flavor, with the daemon's user created. A suite on both
 * servers reads:
 *
 * <pre>{@code
 * @DatabaseTest
 * @ParameterizedClass(name = "{0}")
 * @EnumSource(Flavor.class)
 * class SomeTest {
 *     static final SharedDatabase SERVER = new SharedDatabase();
 *
 *     @Parameter
 *     Flavor flavor;
 *
 *     @BeforeParameterizedClassInvocation
 *     static void start(Flavor flavor) {
 *         SERVER.start(flavor);
 *     }
 *
 *     @AfterParameterizedClassInvocation
 *     static void stop() {
 *         SERVER.close();
 *     }
 * }
 * }</pre>
 *
 * A suite on one flavor registers it instead:
 * {@code @RegisterExtension static final SharedDatabase SERVER = new SharedDatabase(Flavor.MARIADB);}.
 */
public final class SharedDatabase implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

    private final Flavor flavor;
    private LocalTestDatabase db;

    /** A server the class starts per flavor with {@link #start}. */
    public SharedDatabase() {
        this(null);
    }

    /** A server of {@code flavor} for the whole class, as a registered extension. */
    public SharedDatabase(Flavor flavor) {
        this.flavor = flavor;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (flavor != null) {
            start(flavor);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** Starts a server of {@code flavor} (closing the previous one) and creates the daemon's user on it. */
    public LocalTestDatabase start(Flavor flavor) {
        close();
        db = new LocalTestDatabase(flavor);
        db.createCdcUser(TestPipelines.USER, TestPipelines.PASSWORD);
        return db;
    }

    public LocalTestDatabase db() {
        if (db == null) {
            throw new IllegalStateException("no server started: call start(flavor) first");
        }
        return db;
    }

    @Override
    public void close() {
        if (db != null) {
            db.close();
            db = null;
        }
    }
}
