package dev.postern.config;

import static dev.postern.config.TestConfigs.error;
import static dev.postern.config.TestConfigs.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code myorigin = /etc/mailname}: the file form of a parameter, read when main.cf is loaded. */
class MainCfFileValuesTest {

    @Test
    void myoriginFileGivesItsFirstLine(@TempDir Path dir) throws Exception {
        Path mailname = dir.resolve("mailname");
        Files.writeString(mailname, "  mail.example.org \nignored.example\n");

        MainCf cf = parse("myhostname = mx.example.com", "myorigin = " + mailname);

        assertThat(cf.get("myorigin")).isEqualTo("mail.example.org");
        assertThat(cf.raw("myorigin")).isEqualTo(mailname.toString());
    }

    @Test
    void missingFileIsALoadErrorNamingLineParameterAndFile(@TempDir Path dir) {
        Path missing = dir.resolve("mailname");

        assertThat(error("myhostname = mx.example.com", "myorigin = " + missing))
            .isEqualTo("main.cf:2: myorigin: cannot read " + missing + ": file not found");
    }

    @Test
    void emptyFileIsALoadError(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("mailname"), "\n");

        assertThat(error("myorigin = " + empty)).isEqualTo("main.cf:1: myorigin: " + empty
            + " is empty (its first line should be a domain name)");
    }

    @Test
    void environmentOverrideIsReadAsWell(@TempDir Path dir) throws Exception {
        Path mailname = Files.writeString(dir.resolve("mailname"), "env.example.org\n");

        MainCf cf = parse(Map.of("POSTERN_myorigin", mailname.toString()), "myhostname = mx.example.com");

        assertThat(cf.get("myorigin")).isEqualTo("env.example.org");
    }

    @Test
    void otherParametersKeepTheirSlashValues() throws Exception {
        MainCf cf = parse("myhostname = mx.example.com", "mynetworks = /nonexistent/networks");

        assertThat(cf.list("mynetworks")).isEqualTo(List.of("/nonexistent/networks"));
    }

    @Test
    void mydestinationFileItemsBecomeTheirDomains(@TempDir Path dir) throws Exception {
        Path domains = Files.writeString(dir.resolve("local_domains"), "# local\nexample.com, example.net\n\n!example.org\n");

        MainCf cf = parse("myhostname = mx.example.com", "mydestination = localhost, " + domains + ", !" + domains);

        assertThat(cf.list("mydestination")).containsExactly("localhost", "example.com", "example.net", "!example.org",
            "!example.com", "!example.net", "!!example.org");
        assertThat(cf.raw("mydestination")).isEqualTo("localhost, " + domains + ", !" + domains);
    }

    @Test
    void aMissingMydestinationFileIsALoadError(@TempDir Path dir) {
        Path missing = dir.resolve("local_domains");

        assertThat(error("mydestination = localhost " + missing))
            .isEqualTo("main.cf:1: mydestination: cannot read " + missing + ": file not found");
    }
}
