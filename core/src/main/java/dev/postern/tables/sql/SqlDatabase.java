package dev.postern.tables.sql;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

import dev.postern.config.ConfigException;

/**
 * A database Postern keeps its own data in ({@code postern_users_database},
 * {@code postern_domains_database}), named the way a lookup table is: {@code pgsql:/path/file.cf}
 * or {@code mysql:/path/file.cf}, the file in pgsql_table(5)/mysql_table(5) syntax without a
 * {@code query} ({@code hosts}, {@code user}, {@code password}, {@code dbname}, the timeouts).
 * One pool of connections, opened empty: a database that is down fails the operations, not the
 * start, and they succeed again once it is back.
 */
public final class SqlDatabase implements AutoCloseable {
    private final String name;
    private final SqlDialect dialect;
    private final SqlPool pool;

    private SqlDatabase(String name, SqlDialect dialect, SqlPool pool) {
        this.name = name;
        this.dialect = dialect;
        this.pool = pool;
    }

    /**
     * @param spec      {@code pgsql:/path/file.cf} or {@code mysql:/path/file.cf}
     * @param base      the directory a relative file name is taken from
     * @param parameter the main.cf parameter that names it, for messages
     * @throws ConfigException naming the parameter, the file and what is wrong with it
     */
    public static SqlDatabase open(String spec, Path base, String parameter) throws ConfigException {
        int colon = spec.indexOf(':');
        String type = colon > 0 ? spec.substring(0, colon) : "";
        if (!type.equals("pgsql") && !type.equals("mysql")) {
            throw new ConfigException(parameter + ": \"" + spec + "\": expected pgsql:/path/file.cf or mysql:/path/file.cf");
        }
        Path file = base.resolve(spec.substring(colon + 1)).toAbsolutePath().normalize();
        SqlDialect dialect = SqlDialect.of(type);
        SqlTableConfig config;
        try {
            config = SqlTableConfig.read(dialect, file, table -> {
                throw new ConfigException("a database file has no domain setting");
            }, false);
        } catch (ConfigException e) {
            throw new ConfigException(parameter + ": " + e.getMessage(), e);
        }
        return new SqlDatabase(type + ":" + file, dialect, SqlPool.open(config));
    }

    /** A connection from the pool; close it to give it back. */
    public Connection connection() throws SQLException {
        return pool.connection();
    }

    /** Whether this is a MySQL/MariaDB database (the rest is PostgreSQL). */
    public boolean isMysql() {
        return dialect == SqlDialect.MYSQL;
    }

    /** {@code type:/path/file.cf}, for messages (never the password). */
    public String name() {
        return name;
    }

    @Override
    public void close() {
        pool.close();
    }
}
