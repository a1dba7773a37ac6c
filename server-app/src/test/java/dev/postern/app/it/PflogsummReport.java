package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's pflogsumm run over a mail log, and the parts of its report a test compares with what it did:
 * the "Grand Totals" counts, the per-domain tables "Host/Domain Summary: Message Delivery" (per recipient
 * domain: sent, bytes, defers) and "Messages Received" (per sender domain: messages, bytes), and the
 * titles of every section it printed.
 */
record PflogsummReport(String output, Map<String, Integer> totals, int deferrals, Map<String, Delivered> delivery,
                       Map<String, Received> received, List<String> sections) {

    private static final Path PFLOGSUMM = Path.of("/usr/sbin/pflogsumm");
    private static final Pattern TOTAL = Pattern.compile(
        "^\\s*(\\d+)([ km])\\s+(received|delivered|forwarded|deferred|bounced|rejected|reject warnings|held|discarded)\\b.*$");
    private static final Pattern DEFERRALS = Pattern.compile("\\((\\d+)[ km]? deferrals\\)");
    private static final Pattern DELIVERY_ROW = Pattern.compile(
        "^\\s*(\\d+)([ km])\\s+(\\d+)([ km])\\s+(\\d+)([ km])\\s+[0-9.]+ [smhd]\\s+[0-9.]+ [smhd]\\s+(\\S+)$");
    private static final Pattern RECEIVED_ROW = Pattern.compile("^\\s*(\\d+)([ km])\\s+(\\d+)([ km])\\s+(\\S+)$");

    /** A row of "Host/Domain Summary: Message Delivery". */
    record Delivered(int sent, long bytes, int defers) {
    }

    /** A row of "Host/Domain Summary: Messages Received". */
    record Received(int messages, long bytes) {
    }

    /** Runs {@code pflogsumm --syslog-name=postern -e LOG} (a missing pflogsumm fails the test). */
    static PflogsummReport of(Path maillog) throws IOException, InterruptedException {
        assertThat(Files.isExecutable(PFLOGSUMM)).as("pflogsumm is installed (Debian package pflogsumm; ./test.sh installs it)")
            .isTrue();
        Process process = new ProcessBuilder(PFLOGSUMM.toString(), "--syslog-name=postern", "-e", maillog.toString())
            .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("pflogsumm finishes").isTrue();
        assertThat(process.exitValue()).as("pflogsumm output:%n%s", output).isZero();
        return parse(output);
    }

    static PflogsummReport parse(String output) {
        Map<String, Integer> totals = new LinkedHashMap<>();
        Map<String, Delivered> delivery = new LinkedHashMap<>();
        Map<String, Received> received = new LinkedHashMap<>();
        List<String> sections = new ArrayList<>();
        int deferrals = 0;
        String section = "";
        String[] lines = output.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            // A section title is a line underlined with as many dashes as it has characters.
            if (i + 1 < lines.length && !line.isBlank() && lines[i + 1].equals("-".repeat(line.length()))) {
                section = line.strip();
                sections.add(section);
                i++;
                continue;
            }
            if (section.equals("Grand Totals")) {
                Matcher total = TOTAL.matcher(line);
                if (total.matches()) {
                    totals.putIfAbsent(total.group(3), scaled(total.group(1), total.group(2)));
                    Matcher deferred = DEFERRALS.matcher(line);
                    if (total.group(3).equals("deferred") && deferred.find()) {
                        deferrals = Integer.parseInt(deferred.group(1));
                    }
                }
            } else if (section.startsWith("Host/Domain Summary: Message Delivery")) {
                Matcher row = DELIVERY_ROW.matcher(line);
                if (row.matches()) {
                    delivery.put(row.group(7), new Delivered(scaled(row.group(1), row.group(2)),
                        scaled(row.group(3), row.group(4)), scaled(row.group(5), row.group(6))));
                }
            } else if (section.startsWith("Host/Domain Summary: Messages Received")) {
                Matcher row = RECEIVED_ROW.matcher(line);
                if (row.matches()) {
                    received.put(row.group(5), new Received(scaled(row.group(1), row.group(2)),
                        scaled(row.group(3), row.group(4))));
                }
            }
        }
        return new PflogsummReport(output, Map.copyOf(totals), deferrals, Map.copyOf(delivery), Map.copyOf(received),
            List.copyOf(sections));
    }

    /** pflogsumm prints numbers over 512k in kilo or mega units; a test's numbers stay below. */
    private static int scaled(String number, String unit) {
        if (!unit.isBlank()) {
            throw new AssertionError("pflogsumm scaled a count or size to '" + unit + "' units: " + number + unit);
        }
        return Integer.parseInt(number);
    }
}
