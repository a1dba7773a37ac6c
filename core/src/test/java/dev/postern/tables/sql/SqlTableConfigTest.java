package dev.postern.tables.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.config.ConfigException;

class SqlTableConfigTest {
    @TempDir
    Path dir;

    private SqlTableConfig read(SqlDialect dialect, String... lines) throws Exception {
        Path file = dir.resolve("t.cf");
        Files.write(file, List.of(lines));
        return SqlTableConfig.read(dialect, file, spec -> {
            throw new ConfigException("no tables here: " + spec);
        });
    }

    @Test
    void readsPostfixSyntaxWithContinuationLinesAndComments() throws Exception {
        SqlTableConfig config = read(SqlDialect.PGSQL,
            "# virtual aliases",
            "hosts = inet:db1.example.com:6432 db2.example.com [::1]:5433",
            "user = postfix",
            "password = s3cret",
            "dbname = mail",
            "query = SELECT goto FROM alias",
            "    WHERE address = '%s'",
            "connect_timeout = 3s");

        assertThat(config.hosts()).containsExactly(new SqlHost("db1.example.com", 6432, null),
            new SqlHost("db2.example.com", 5432, null), new SqlHost("::1", 5433, null));
        assertThat(config.query().sql()).isEqualTo("SELECT goto FROM alias WHERE address = ?");
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.queryTimeout()).isEqualTo(SqlTableConfig.DEFAULT_QUERY_TIMEOUT);
        assertThat(config.toString()).doesNotContain("s3cret");
        assertThat(SqlPool.url(config)).isEqualTo("jdbc:postgresql://db1.example.com:6432,db2.example.com:5432,[::1]:5433/mail");
        assertThat(SqlPool.url(config)).doesNotContain("s3cret");
    }

    @Test
    void theLegacyFormBuildsTheQuery() throws Exception {
        SqlTableConfig config = read(SqlDialect.MYSQL,
            "hosts = unix:/run/mysqld/mysqld.sock 127.0.0.1",
            "dbname = mail",
            "select_field = goto",
            "table = alias",
            "where_field = address",
            "additional_conditions = AND active = '1'");

        assertThat(config.query().sql()).isEqualTo("SELECT goto FROM alias WHERE address = ? AND active = '1'");
        assertThat(SqlPool.url(config)).isEqualTo("jdbc:mariadb://localhost/mail");
        assertThat(SqlPool.properties(config).getProperty("localSocket")).isEqualTo("/run/mysqld/mysqld.sock");
    }

    @Test
    void aPgsqlUnixSocketIsADirectoryAsForLibpqOrTheSocketFile() throws Exception {
        SqlTableConfig config = read(SqlDialect.PGSQL, "hosts = unix:/run/postgresql", "dbname = mail", "query = SELECT 1");

        assertThat(SqlPool.properties(config)).containsEntry("socketFactory", UnixSocketFactory.class.getName())
            .containsEntry("socketFactoryArg", "/run/postgresql/.s.PGSQL.5432");
        assertThat(SqlPool.pgsqlSocketFile("/tmp/pg/.s.PGSQL.5433")).isEqualTo("/tmp/pg/.s.PGSQL.5433");
    }

    @Test
    void mysqlTlsSettingsBecomeTheDriversSslMode() throws Exception {
        SqlTableConfig config = read(SqlDialect.MYSQL,
            "hosts = db1:3307 db2", "dbname = mail", "query = SELECT 1 WHERE '%s' = ''",
            "tls_enable = yes", "tls_CAfile = /etc/ssl/ca.pem", "tls_verify_cert = yes");

        assertThat(SqlPool.url(config)).isEqualTo("jdbc:mariadb:loadbalance://db1:3307,db2:3306/mail");
        assertThat(SqlPool.properties(config)).containsEntry("sslMode", "verify-full")
            .containsEntry("serverSslCert", "/etc/ssl/ca.pem");
    }

    @Test
    void errorsNameTheFileLineAndParameter() {
        assertThatThrownBy(() -> read(SqlDialect.PGSQL, "hosts = db:99999", "dbname = x", "query = SELECT 1"))
            .hasMessage(dir.resolve("t.cf") + ":1: hosts: db:99999: bad port \"99999\"");
        assertThatThrownBy(() -> read(SqlDialect.PGSQL, "hosts = db", "dbname = x"))
            .hasMessageContaining("t.cf: query: not set");
        assertThatThrownBy(() -> read(SqlDialect.SQLITE, "query = SELECT 1"))
            .hasMessageContaining("t.cf: dbpath: not set");
        assertThatThrownBy(() -> read(SqlDialect.PGSQL, "hosts = db", "dbname = x", "query = SELECT 1",
            "expansion_limit = -1"))
            .hasMessageContaining("t.cf:4: expansion_limit: expected a number >= 0");
        assertThatThrownBy(() -> read(SqlDialect.PGSQL, "  hosts = db"))
            .hasMessageContaining("t.cf:1: continuation line without a setting");
        assertThatThrownBy(() -> read(SqlDialect.PGSQL, "hosts = unix:run/postgresql", "dbname = x", "query = SELECT 1"))
            .hasMessageContaining("t.cf:1: hosts: unix:run/postgresql: expected unix:/absolute/path");
    }
}
