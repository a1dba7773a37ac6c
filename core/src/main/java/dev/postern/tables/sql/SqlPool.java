package dev.postern.tables.sql;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.postern.config.ConfigException;

/**
 * The connections of one SQL table file: a HikariCP pool over the file's {@code hosts}, shared by
 * every table opened on that file. Several hosts are handed to the JDBC driver, which picks one at
 * random and goes on to the next when a host does not answer, as Postfix tries its hosts in random
 * order. The pool starts empty and never fails to open: a database that is down makes lookups fail
 * (and later succeed once it is back), not the server refuse to start.
 *
 * <p>Timeouts: {@code connect_timeout} bounds both connecting and waiting for a free connection;
 * {@code query_timeout} bounds each query (the driver cancels it) and each read from the server.
 * Idle connections are closed after a minute, as Postfix closes them.
 */
final class SqlPool implements AutoCloseable {
    private static final int MAXIMUM_CONNECTIONS = 8;
    private static final long IDLE_MILLIS = 60_000;

    private final HikariDataSource dataSource;

    private SqlPool(HikariDataSource dataSource) {
        this.dataSource = dataSource;
    }

    static SqlPool open(SqlTableConfig config) throws ConfigException {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("postern-" + config.dialect().type() + ":" + config.file());
        hikari.setJdbcUrl(url(config));
        hikari.setDataSourceProperties(properties(config));
        if (!config.user().isEmpty()) {
            hikari.setUsername(config.user());
        }
        if (!config.password().isEmpty()) {
            hikari.setPassword(config.password());
        }
        hikari.setDriverClassName(switch (config.dialect()) {
            case PGSQL -> "org.postgresql.Driver";
            case MYSQL -> "org.mariadb.jdbc.Driver";
            case SQLITE -> "org.sqlite.JDBC";
        });
        hikari.setMaximumPoolSize(MAXIMUM_CONNECTIONS);
        hikari.setMinimumIdle(0);
        hikari.setIdleTimeout(IDLE_MILLIS);
        hikari.setConnectionTimeout(Math.max(250, config.connectTimeout().toMillis()));
        hikari.setValidationTimeout(Math.max(250, Math.min(config.connectTimeout().toMillis(), 3000) - 1));
        hikari.setInitializationFailTimeout(-1);
        hikari.setAutoCommit(true);
        // SQLite connections are opened read-only (open_mode): the pool must not try to change that.
        hikari.setReadOnly(config.dialect() == SqlDialect.SQLITE);
        return new SqlPool(new HikariDataSource(hikari));
    }

    Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    /** The JDBC URL: hosts, database, and nothing secret (the password goes in the pool's properties). */
    static String url(SqlTableConfig config) throws ConfigException {
        return switch (config.dialect()) {
            case SQLITE -> "jdbc:sqlite:" + config.dbpath();
            case PGSQL -> pgsqlUrl(config);
            case MYSQL -> mysqlUrl(config);
        };
    }

    private static String pgsqlUrl(SqlTableConfig config) throws ConfigException {
        if (!config.uri().isEmpty()) {
            return "jdbc:postgresql://" + config.uri().substring(config.uri().indexOf("://") + 3);
        }
        List<SqlHost> hosts = config.hosts();
        if (hosts.stream().anyMatch(SqlHost::isSocket)) {
            // The socket goes through UnixSocketFactory; the driver still wants a host name in its URL.
            return "jdbc:postgresql://localhost/" + config.dbname();
        }
        return "jdbc:postgresql://" + hosts.stream().map(SqlHost::hostPort).collect(Collectors.joining(","))
            + "/" + config.dbname();
    }

    /**
     * libpq takes {@code unix:/run/postgresql} as the socket's directory and adds {@code .s.PGSQL.5432};
     * Postern also takes the socket file itself ({@code unix:/run/postgresql/.s.PGSQL.5433}) for another port.
     */
    static String pgsqlSocketFile(String path) {
        return Path.of(path).getFileName().toString().startsWith(".s.PGSQL.") ? path : path + "/.s.PGSQL.5432";
    }

    private static String mysqlUrl(SqlTableConfig config) throws ConfigException {
        List<SqlHost> sockets = config.hosts().stream().filter(SqlHost::isSocket).toList();
        if (!sockets.isEmpty()) {
            // Postfix tries sockets before TCP; the driver takes one socket, so the first one it is.
            return "jdbc:mariadb://localhost/" + config.dbname();
        }
        String mode = config.hosts().size() > 1 ? "loadbalance:" : "";
        return "jdbc:mariadb:" + mode + "//" + config.hosts().stream().map(SqlHost::hostPort)
            .collect(Collectors.joining(",")) + "/" + config.dbname();
    }

    /** The driver's options: timeouts, TLS, and what keeps a lookup to one statement. */
    static Properties properties(SqlTableConfig config) {
        Properties properties = new Properties();
        long connectSeconds = config.connectTimeout().toSeconds();
        long readSeconds = config.queryTimeout().toSeconds() + 5;
        switch (config.dialect()) {
            case PGSQL -> {
                properties.setProperty("connectTimeout", String.valueOf(connectSeconds));
                properties.setProperty("loginTimeout", String.valueOf(connectSeconds));
                properties.setProperty("socketTimeout", String.valueOf(readSeconds));
                properties.setProperty("loadBalanceHosts", "true");
                // A bare %s outside quotes is a bound string: let the server give it the column's type.
                properties.setProperty("stringtype", "unspecified");
                properties.setProperty("ApplicationName", "postern");
                config.hosts().stream().filter(SqlHost::isSocket).findFirst().ifPresent(socket -> {
                    properties.setProperty("socketFactory", UnixSocketFactory.class.getName());
                    properties.setProperty("socketFactoryArg", pgsqlSocketFile(socket.socket()));
                    properties.remove("loadBalanceHosts");
                });
            }
            case MYSQL -> {
                properties.setProperty("connectTimeout", String.valueOf(connectSeconds * 1000));
                properties.setProperty("socketTimeout", String.valueOf(readSeconds * 1000));
                properties.setProperty("allowMultiQueries", "false");
                config.hosts().stream().filter(SqlHost::isSocket).findFirst()
                    .ifPresent(socket -> properties.setProperty("localSocket", socket.socket()));
                SqlTableConfig.Tls tls = config.tls();
                if (tls.enable()) {
                    properties.setProperty("sslMode", tls.verifyCert() ? "verify-full"
                        : tls.caFile().isEmpty() ? "trust" : "verify-ca");
                    if (!tls.caFile().isEmpty()) {
                        properties.setProperty("serverSslCert", tls.caFile());
                    }
                }
            }
            case SQLITE -> {
                properties.setProperty("open_mode", "1"); // SQLITE_OPEN_READONLY: a lookup never writes
                properties.setProperty("busy_timeout", String.valueOf(config.queryTimeout().toMillis()));
            }
        }
        return properties;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
