package dev.postern.tables;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

class CompactStringMapTest {

    @Test
    void agreesWithAHashMapOnRandomKeys() {
        Random random = new Random(7);
        CompactStringMap compact = new CompactStringMap(1);
        Map<String, String> reference = new HashMap<>();
        for (int i = 0; i < 50_000; i++) {
            String key = randomString(random);
            String value = randomString(random);
            boolean added = compact.putIfAbsent(key, value);
            assertThat(added).isEqualTo(reference.putIfAbsent(key, value) == null);
        }
        assertThat(compact.size()).isEqualTo(reference.size());
        compact.trim();
        for (Map.Entry<String, String> entry : reference.entrySet()) {
            assertThat(compact.get(entry.getKey())).isEqualTo(entry.getValue());
        }
        for (int i = 0; i < 10_000; i++) {
            String key = randomString(random);
            assertThat(compact.get(key)).isEqualTo(reference.get(key));
        }
    }

    /** Short strings (so that keys repeat), sometimes long ones (multi-byte lengths), sometimes non-ASCII. */
    private static String randomString(Random random) {
        int length = random.nextInt(20) == 0 ? 100 + random.nextInt(400) : random.nextInt(4);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(10);
            text.append(kind == 0 ? (char) (0x100 + random.nextInt(0x2000)) : kind == 1 ? "\uD83D\uDE00" : (char) ('a' + random.nextInt(3)));
        }
        return text.toString();
    }
}
