package dev.postern.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostfixDirectoryCopyTest {
    @TempDir
    Path temp;

    private Path postfix() throws IOException {
        Path dir = Files.createDirectories(temp.resolve("etc/postfix"));
        Files.createDirectories(dir.resolve("sasl"));
        return dir;
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    @Test
    void pathsIntoTheDirectoryPointIntoConfAndOnlyThose() throws IOException {
        Path dir = postfix();
        Path conf = temp.resolve("home/conf");
        PostfixDirectoryCopy copy = new PostfixDirectoryCopy(dir, conf);

        PostfixDirectoryCopy.Rewritten rewritten = copy.rewrite(
            "virtual_alias_maps = hash:" + dir + "/virtual, regexp:" + dir + "/sasl/re\n"
                + "config_directory = " + dir + "\n"
                + "other = " + dir + "admin/x " + temp + "/etc/postfix.old/y\n"
                + "  -o smtpd_client_restrictions=check_client_access{" + dir + "/c}\n");

        assertThat(rewritten.count()).isEqualTo(4);
        assertThat(rewritten.text())
            .contains("hash:" + conf + "/virtual, regexp:" + conf + "/sasl/re")
            .contains("config_directory = " + conf + "\n")
            .contains(dir + "admin/x " + temp + "/etc/postfix.old/y")
            .contains("{" + conf + "/c}");
    }

    @Test
    void sourcesAreCopiedCompiledTablesLeftBehindAndAChangedHomeFileKept() throws IOException {
        Path dir = postfix();
        write(dir.resolve("main.cf"), "alias_maps = hash:" + dir + "/aliases\n");
        write(dir.resolve("aliases"), "root: admin\n");
        write(dir.resolve("aliases.db"), "binary");
        write(dir.resolve("sasl/passwd"), "[relay]:587 u:p\n");
        Path conf = Files.createDirectories(temp.resolve("home/conf"));
        write(conf.resolve("main.cf"), "myhostname = before.example\n");
        write(conf.resolve("aliases"), "root: admin\n");

        PostfixDirectoryCopy.Copied copied = new PostfixDirectoryCopy(dir, conf).copy();

        assertThat(copied.files()).containsExactly(Path.of("aliases"), Path.of("main.cf"), Path.of("sasl/passwd"));
        assertThat(copied.leftBehind()).containsExactly(Path.of("aliases.db"));
        assertThat(copied.backedUp()).as("the same aliases file is no change").containsExactly(Path.of("main.cf"));
        assertThat(copied.rewrittenPaths()).isEqualTo(1);
        assertThat(Files.readString(conf.resolve("main.cf"))).isEqualTo("alias_maps = hash:" + conf + "/aliases\n");
        assertThat(Files.readString(conf.resolve("main.cf.before-import"))).isEqualTo("myhostname = before.example\n");
        assertThat(conf.resolve("sasl/passwd")).hasContent("[relay]:587 u:p");
        assertThat(conf.resolve("aliases.db")).doesNotExist();
    }

    @Test
    void configDirectoryIsSetWhenMainCfReliesOnPostfixsBuiltInValue() throws IOException {
        Path dir = postfix();
        write(dir.resolve("main.cf"), "transport_maps = hash:$config_directory/transport\nheader_checks = regexp:${config_directory}/h");
        Path conf = temp.resolve("home/conf");

        PostfixDirectoryCopy.Copied copied = new PostfixDirectoryCopy(dir, conf).copy();

        assertThat(copied.rewrittenPaths()).isEqualTo(1);
        assertThat(Files.readString(conf.resolve("main.cf")))
            .startsWith("transport_maps = hash:$config_directory/transport\nheader_checks = regexp:${config_directory}/h\n")
            .endsWith("\nconfig_directory = " + conf + "\n");
    }

    @Test
    void aMainCfThatSetsConfigDirectoryKeepsItsOwnSettingRewritten() throws IOException {
        Path dir = postfix();
        write(dir.resolve("main.cf"), "config_directory = " + dir + "\ntransport_maps = hash:$config_directory/transport\n");
        Path conf = temp.resolve("home/conf");

        new PostfixDirectoryCopy(dir, conf).copy();

        assertThat(Files.readString(conf.resolve("main.cf")))
            .isEqualTo("config_directory = " + conf + "\ntransport_maps = hash:$config_directory/transport\n");
    }
}
