package dev.postern.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Random main.cf text built from the pieces the syntax cares about: whatever comes in, loading
 * either succeeds or fails with a one-line ConfigException that names the file and line.
 */
class MainCfRandomInputTest {
    private static final String[] PIECES = {
        "myhostname", "mydomain", "myorigin", "relayhost", "smtpd_banner", "message_size_limit",
        "postern_smtpd_listen", "nosuch", "=", " = ", " ", "\t", "#", "$", "$$", "${", "$(", "}", ")",
        "?", ":", ",", "{", "mx.example", "0.0.0.0:25", "[::1]:25", "10", "-", "\r", "é",
    };

    @Test
    void loadingNeverFailsOtherwise() {
        Random random = new Random(20240601L);
        int loaded = 0;
        for (int run = 0; run < 5000; run++) {
            List<String> lines = new ArrayList<>();
            int lineCount = random.nextInt(6);
            for (int l = 0; l < lineCount; l++) {
                StringBuilder line = new StringBuilder();
                int pieceCount = random.nextInt(8);
                for (int p = 0; p < pieceCount; p++) {
                    line.append(PIECES[random.nextInt(PIECES.length)]);
                }
                lines.add(line.toString());
            }
            try {
                MainCf cf = MainCf.parse("main.cf", lines, Map.of());
                for (String name : cf.names()) {
                    assertThat(cf.get(name)).isNotNull();
                }
                loaded++;
            } catch (ConfigException e) {
                // One problem, or several under a count, one a line, each naming the line.
                assertThat(e.getMessage()).as("for %s", lines)
                        .matches("main\\.cf:[1-9][0-9]*: [^\n]+|[2-9] problems:(\n  main\\.cf:[1-9][0-9]*: [^\n]+)+");
            }
        }
        // The generator must also produce valid files, or the test proves little.
        assertThat(loaded).isGreaterThan(100);
    }
}
