package dev.postern.tables.sql;

import java.util.Set;

/** The three SQL table types, what their files may set, and how their string literals are written. */
enum SqlDialect {
    PGSQL("pgsql", 5432, Set.of()),
    MYSQL("mysql", 3306, Set.of("option_file", "option_group", "require_result_set", "charset", "tls_enable",
        "tls_key_file", "tls_cert_file", "tls_CAfile", "tls_CApath", "tls_ciphers", "tls_verify_cert")),
    SQLITE("sqlite", 0, Set.of("dbpath"));

    /** Settings every SQL type has; {@code connect_timeout} and {@code query_timeout} are Postern's own. */
    private static final Set<String> COMMON = Set.of("query", "result_format", "domain", "expansion_limit",
        "select_field", "table", "where_field", "additional_conditions", "connect_timeout", "query_timeout");
    /** The server types' connection settings ({@code retry_interval}, {@code idle_interval}: Postfix 3.9). */
    private static final Set<String> SERVER = Set.of("hosts", "user", "password", "dbname", "retry_interval",
        "idle_interval");

    private final String type;
    private final int defaultPort;
    private final Set<String> own;

    SqlDialect(String type, int defaultPort, Set<String> own) {
        this.type = type;
        this.defaultPort = defaultPort;
        this.own = own;
    }

    /** The Postfix table type, {@code pgsql}, {@code mysql} or {@code sqlite}. */
    String type() {
        return type;
    }

    int defaultPort() {
        return defaultPort;
    }

    static SqlDialect of(String type) {
        for (SqlDialect dialect : values()) {
            if (dialect.type.equals(type)) {
                return dialect;
            }
        }
        throw new IllegalArgumentException("not a SQL table type: " + type);
    }

    /** Whether a table file of this type may set {@code name}. */
    boolean knows(String name) {
        return COMMON.contains(name) || own.contains(name) || this != SQLITE && SERVER.contains(name);
    }

    /** MySQL reads {@code "..."} as a string (unless ANSI_QUOTES), PostgreSQL and SQLite as a name. */
    boolean doubleQuotedStrings() {
        return this == MYSQL;
    }

    /** MySQL reads {@code \} in a string as an escape (unless NO_BACKSLASH_ESCAPES). */
    boolean backslashEscapes() {
        return this == MYSQL;
    }
}
