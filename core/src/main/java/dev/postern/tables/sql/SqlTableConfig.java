package dev.postern.tables.sql;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.postern.config.ConfigException;

/**
 * The settings of one SQL table file, checked: what {@code pgsql_table(5)}, {@code mysql_table(5)}
 * and {@code sqlite_table(5)} describe, plus Postern's {@code connect_timeout} and
 * {@code query_timeout}. Settings the type does not know are warned about and ignored, as Postfix
 * does. {@link #toString()} never shows the password.
 */
record SqlTableConfig(SqlDialect dialect, Path file, List<SqlHost> hosts, String uri, String user,
                      String password, String dbname, String dbpath, QueryTemplate query, ResultFormat resultFormat,
                      DomainFilter domain, int expansionLimit, Duration connectTimeout, Duration queryTimeout,
                      Tls tls) {
    private static final Logger LOG = LoggerFactory.getLogger(SqlTableConfig.class);
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(10);

    /** MySQL's TLS settings ({@code tls_*}); PostgreSQL takes its {@code sslmode} in a {@code postgresql://} URI. */
    record Tls(boolean enable, boolean verifyCert, String caFile) {
        static final Tls NONE = new Tls(false, false, "");
    }

    static SqlTableConfig read(SqlDialect dialect, Path file, SqlTables.TableOpener opener) throws ConfigException {
        return read(dialect, file, opener, true);
    }

    /**
     * @param lookupTable false for a file that only says where a database is ({@link SqlDatabase}):
     *                    then {@code query} is not needed and {@link #query()} is null
     */
    static SqlTableConfig read(SqlDialect dialect, Path file, SqlTables.TableOpener opener, boolean lookupTable)
            throws ConfigException {
        SqlCfFile cf = SqlCfFile.read(file);
        warnUnknown(dialect, cf);
        warnIfReadableByOthers(cf);
        String where = file.toString();
        List<SqlHost> hosts = new ArrayList<>();
        String uri = "";
        if (dialect != SqlDialect.SQLITE) {
            for (String entry : cf.get("hosts", "localhost").split("[\\s,]+")) {
                if (entry.isEmpty()) {
                    continue;
                }
                if (entry.startsWith("postgresql://") || entry.startsWith("postgres://")) {
                    if (dialect != SqlDialect.PGSQL) {
                        throw new ConfigException(cf.where("hosts") + ": hosts: " + entry + ": a PostgreSQL URI in a "
                            + dialect.type() + " table");
                    }
                    uri = entry;
                    continue;
                }
                hosts.add(SqlHost.parse(entry, dialect.defaultPort(), cf.where("hosts")));
            }
            if (hosts.isEmpty() && uri.isEmpty()) {
                throw new ConfigException(cf.where("hosts") + ": hosts: no host");
            }
        }
        String dbpath = cf.get("dbpath", "");
        if (dialect == SqlDialect.SQLITE && dbpath.isEmpty()) {
            throw new ConfigException(where + ": dbpath: not set (the SQLite database file)");
        }
        String dbname = cf.get("dbname", "");
        if (dialect != SqlDialect.SQLITE && dbname.isEmpty() && uri.isEmpty()) {
            throw new ConfigException(where + ": dbname: not set");
        }
        return new SqlTableConfig(dialect, file, List.copyOf(hosts), uri, cf.get("user", ""), cf.get("password", ""),
            dbname, dbpath, lookupTable ? query(dialect, cf) : null,
            ResultFormat.parse(cf.get("result_format", "%s"), cf.where("result_format")),
            DomainFilter.parse(cf.get("domain", ""), cf.where("domain"), opener),
            nonNegative(cf, "expansion_limit", 0),
            Duration.ofSeconds(positive(cf, "connect_timeout", DEFAULT_CONNECT_TIMEOUT)),
            Duration.ofSeconds(positive(cf, "query_timeout", DEFAULT_QUERY_TIMEOUT)),
            tls(dialect, cf));
    }

    /** {@code query}, or the legacy {@code select_field}/{@code table}/{@code where_field} form when it is not set. */
    private static QueryTemplate query(SqlDialect dialect, SqlCfFile cf) throws ConfigException {
        if (cf.setting("query").isPresent()) {
            return QueryTemplate.parse(cf.get("query", ""), dialect, cf.where("query"));
        }
        String select = cf.get("select_field", "");
        String table = cf.get("table", "");
        String whereField = cf.get("where_field", "");
        if (select.isEmpty() || table.isEmpty() || whereField.isEmpty()) {
            throw new ConfigException(cf.file() + ": query: not set (nor select_field, table and where_field)");
        }
        String legacy = "SELECT " + select + " FROM " + table + " WHERE " + whereField + " = '%s' "
            + cf.get("additional_conditions", "");
        return QueryTemplate.parse(legacy.strip(), dialect, cf.where("select_field"));
    }

    private static Tls tls(SqlDialect dialect, SqlCfFile cf) throws ConfigException {
        if (dialect != SqlDialect.MYSQL) {
            return Tls.NONE;
        }
        for (String unsupported : List.of("tls_key_file", "tls_cert_file", "tls_CApath", "tls_ciphers")) {
            if (!cf.get(unsupported, "").isEmpty()) {
                LOG.warn("{}: {} is not supported by Postern's MySQL driver and is ignored", cf.where(unsupported),
                    unsupported);
            }
        }
        return new Tls(yes(cf, "tls_enable"), yes(cf, "tls_verify_cert"), cf.get("tls_CAfile", ""));
    }

    private static boolean yes(SqlCfFile cf, String name) throws ConfigException {
        String value = cf.get(name, "no").toLowerCase(Locale.ROOT);
        if (!value.equals("yes") && !value.equals("no")) {
            throw new ConfigException(cf.where(name) + ": " + name + ": expected yes or no, got \"" + value + "\"");
        }
        return value.equals("yes");
    }

    private static int nonNegative(SqlCfFile cf, String name, int fallback) throws ConfigException {
        String value = cf.get(name, String.valueOf(fallback));
        try {
            int number = Integer.parseInt(value);
            if (number >= 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(cf.where(name) + ": " + name + ": expected a number >= 0, got \"" + value + "\"");
    }

    /** Seconds, written {@code 10} or {@code 10s} as Postfix's time values. */
    private static long positive(SqlCfFile cf, String name, Duration fallback) throws ConfigException {
        String value = cf.get(name, String.valueOf(fallback.toSeconds()));
        String digits = value.endsWith("s") ? value.substring(0, value.length() - 1) : value;
        try {
            long number = Long.parseLong(digits);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(cf.where(name) + ": " + name + ": expected a number of seconds > 0, got \"" + value + "\"");
    }

    private static void warnUnknown(SqlDialect dialect, SqlCfFile cf) {
        for (String name : cf.settings().keySet()) {
            if (!dialect.knows(name)) {
                // The name only: a misspelled "pasword" must not put the password in the log.
                LOG.warn("{}: {}: unused parameter {} (not a {} table setting)", cf.where(name), dialect.type(), name,
                    dialect.type());
            }
        }
    }

    /** Postfix says nothing; an operator wants to know that the database password is readable by everyone. */
    private static void warnIfReadableByOthers(SqlCfFile cf) {
        if (cf.get("password", "").isEmpty()) {
            return;
        }
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(cf.file());
            if (permissions.contains(PosixFilePermission.OTHERS_READ)) {
                LOG.warn("{}: the file holds a database password and is readable by every user (chmod o-r)", cf.file());
            }
        } catch (IOException | UnsupportedOperationException e) {
            // Not a POSIX file system, or gone since it was read: nothing to say.
        }
    }

    @Override
    public String toString() {
        return dialect.type() + ":" + file + " (user " + user + ", password " + (password.isEmpty() ? "none" : "set")
            + ")";
    }
}
