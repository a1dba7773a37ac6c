package dev.postern.app.data;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import dev.postern.tables.sql.SqlDatabase;

/**
 * One table of Postern's own data in a shared database: created when first used (so that a
 * database that is down at start delays nothing but the operations that need it), then read and
 * written with a connection from the database's pool. Nothing is cached: what one node writes,
 * every node reads at once.
 */
final class SqlStore {
    /** One operation on a connection. */
    @FunctionalInterface
    interface Operation<T> {
        T run(Connection connection) throws SQLException;
    }

    private final SqlDatabase database;
    private final String table;
    private final String createTable;
    private volatile boolean created;

    /** @param createTable {@code CREATE TABLE IF NOT EXISTS ...}, in SQL that PostgreSQL and MariaDB both take */
    SqlStore(SqlDatabase database, String table, String createTable) {
        this.database = database;
        this.table = table;
        this.createTable = createTable;
    }

    <T> T run(Operation<T> operation) throws SQLException {
        try (Connection connection = database.connection()) {
            if (!created) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute(createTable);
                }
                created = true;
            }
            return operation.run(connection);
        }
    }

    /** {@code table postern_users in pgsql:/etc/postern/db.cf: reason}, never the password. */
    String failure(SQLException e) {
        return "table " + table + " in " + database.name() + ": " + e.getMessage();
    }

    /** A unique key already taken (SQLSTATE class 23: integrity constraint violation). */
    static boolean isDuplicate(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("23");
    }
}
