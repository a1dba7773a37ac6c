package dev.postern.tables.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;

/**
 * A {@code pgsql:}, {@code mysql:} or {@code sqlite:} table. A lookup folds the key to lower case
 * (Postfix's fixed-case tables), skips keys the {@code domain} setting excludes and keys the
 * query's expansions have nothing for, runs the query with the key bound as parameters, and
 * joins every non-empty column of every row, each written through {@code result_format}, with
 * commas. No row is "not found"; a database that cannot be reached, a timeout, a refused query or
 * more values than {@code expansion_limit} is a {@link LookupException}: the caller defers.
 *
 * <p>A query that fails because its pooled connection broke (the server restarted) is tried once
 * more on a fresh connection, so that a restart costs no lookup.
 */
final class SqlTable implements LookupTable {
    private static final Logger LOG = LoggerFactory.getLogger(SqlTable.class);

    private final String name;
    private final SqlTableConfig config;
    private final SqlPool pool;

    SqlTable(String name, SqlTableConfig config, SqlPool pool) {
        this.name = name;
        this.config = config;
        this.pool = pool;
    }

    @Override
    public Optional<String> lookup(String key) throws LookupException {
        String folded = key.toLowerCase(Locale.ROOT);
        if (folded.isEmpty() || config.domain() != null && !config.domain().admits(folded)) {
            return Optional.empty();
        }
        Optional<List<String>> parameters = config.query().parameters(folded);
        if (parameters.isEmpty()) {
            return Optional.empty();
        }
        try {
            return query(folded, parameters.get());
        } catch (SQLException e) {
            if (!isBrokenConnection(e)) {
                throw failure(folded, e);
            }
            LOG.debug("{}: retrying \"{}\" on a new connection after: {}", name, folded, e.getMessage());
            try {
                return query(folded, parameters.get());
            } catch (SQLException again) {
                throw failure(folded, again);
            }
        }
    }

    private Optional<String> query(String key, List<String> parameters) throws SQLException, LookupException {
        try (Connection connection = pool.connection();
             PreparedStatement statement = connection.prepareStatement(config.query().sql())) {
            statement.setQueryTimeout((int) config.queryTimeout().toSeconds());
            for (int i = 0; i < parameters.size(); i++) {
                statement.setString(i + 1, parameters.get(i));
            }
            try (ResultSet rows = statement.executeQuery()) {
                return results(key, rows);
            }
        }
    }

    private Optional<String> results(String key, ResultSet rows) throws SQLException, LookupException {
        StringBuilder result = new StringBuilder();
        int count = 0;
        int columns = rows.getMetaData().getColumnCount();
        while (rows.next()) {
            for (int column = 1; column <= columns; column++) {
                String value = rows.getString(column);
                if (value == null || value.isEmpty()) {
                    continue;
                }
                Optional<String> formatted = config.resultFormat().format(value, key);
                if (formatted.isEmpty()) {
                    continue;
                }
                if (config.expansionLimit() > 0 && ++count > config.expansionLimit()) {
                    throw new LookupException(name + ": more than expansion_limit=" + config.expansionLimit()
                        + " values for \"" + key + "\"");
                }
                result.append(result.isEmpty() ? "" : ",").append(formatted.get());
            }
        }
        return result.isEmpty() ? Optional.empty() : Optional.of(result.toString());
    }

    /** A connection that broke under the query (not one that could not be had at all: that already waited). */
    private static boolean isBrokenConnection(SQLException e) {
        if (e instanceof SQLTransientConnectionException) {
            return false;
        }
        String state = e.getSQLState();
        return e instanceof SQLRecoverableException || state != null && state.startsWith("08");
    }

    private LookupException failure(String key, SQLException e) {
        String reason = e instanceof SQLTransientConnectionException
            ? "database unavailable (no connection within connect_timeout=" + config.connectTimeout().toSeconds()
                + "s): " + rootMessage(e)
            : e.getMessage();
        // Callers add "lookup of KEY failed"; the table says which table and why.
        return new LookupException(name + ": " + reason, e);
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean isPattern() {
        return false;
    }
}
