package io.cdcrunner.testdb;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.cdcrunner.pipeline.TestPipelines;

/**
 * One throwaway MariaDB for a test class, with the daemon's user created:
 * {@code @RegisterExtension static final SharedMariaDb SERVER = new SharedMariaDb();} then {@code SERVER.db()}.
 */
public final class SharedMariaDb implements BeforeAllCallback, AfterAllCallback {

    private MariaDbTestDatabase db;

    @Override
    public void beforeAll(ExtensionContext context) {
        db = new MariaDbTestDatabase();
        db.createCdcUser(TestPipelines.USER, TestPipelines.PASSWORD);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (db != null) {
            db.close();
            db = null;
        }
    }

    public MariaDbTestDatabase db() {
        return db;
    }
}
