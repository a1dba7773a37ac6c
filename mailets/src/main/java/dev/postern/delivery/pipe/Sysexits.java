package dev.postern.delivery.pipe;

import java.util.Map;
import java.util.Optional;

/**
 * What a command's exit status means to pipe(8) (sysexits.h): the enhanced status code and its text.
 * Only EX_OSERR and EX_TEMPFAIL are temporary; a status outside the table has no entry.
 */
final class Sysexits {
    record Detail(String dsn, String text) {
    }

    private static final Map<Integer, Detail> DETAILS = Map.ofEntries(
        Map.entry(64, new Detail("5.3.0", "command line usage error")),
        Map.entry(65, new Detail("5.6.0", "data format error")),
        Map.entry(66, new Detail("5.3.0", "cannot open input")),
        Map.entry(67, new Detail("5.1.1", "user unknown")),
        Map.entry(68, new Detail("5.1.2", "host name unknown")),
        Map.entry(69, new Detail("5.3.0", "service unavailable")),
        Map.entry(70, new Detail("5.3.0", "internal software error")),
        Map.entry(71, new Detail("4.3.0", "system resource problem")),
        Map.entry(72, new Detail("5.3.0", "critical OS file missing")),
        Map.entry(73, new Detail("5.2.0", "can't create user output file")),
        Map.entry(74, new Detail("5.3.0", "input/output error")),
        Map.entry(75, new Detail("4.3.0", "temporary failure")),
        Map.entry(76, new Detail("5.5.0", "remote error in protocol")),
        Map.entry(77, new Detail("5.7.0", "permission denied")),
        Map.entry(78, new Detail("5.3.5", "local configuration error")));

    private Sysexits() {
    }

    static Optional<Detail> of(int status) {
        return Optional.ofNullable(DETAILS.get(status));
    }
}
