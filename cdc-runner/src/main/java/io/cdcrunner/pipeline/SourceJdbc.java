package io.cdcrunner.pipeline;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

import io.cdcrunner.config.SourceSettings;

/** Plain JDBC access to the source server for start-up probes. */
public final class SourceJdbc {

    private SourceJdbc() {
    }

    public static String url(SourceSettings source, String database) {
        return "jdbc:mysql://" + source.host() + ":" + source.port() + "/" + database
                + "?useSSL=false&allowPublicKeyRetrieval=true&connectTimeout=" + source.connectTimeout().toMillis()
                + "&rewriteBatchedStatements=true";
    }

    public static Connection connect(SourceSettings source) throws SQLException {
        return DriverManager.getConnection(url(source, ""), source.user(), source.password().reveal());
    }
}
