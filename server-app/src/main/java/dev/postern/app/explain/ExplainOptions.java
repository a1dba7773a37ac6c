package dev.postern.app.explain;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.postern.address.HostSyntax;

/**
 * The hypothetical transaction of {@code postern explain}: who connects, what it says and where it
 * is received. A usage mistake is an {@link IllegalArgumentException} whose message ends with the
 * usage, which the command line turns into exit status 2.
 *
 * @param client     the client's IP address (a literal: explain resolves no name)
 * @param clientName the client's verified host name; empty when not given (then {@code unknown})
 * @param helo       the HELO/EHLO name; empty without HELO
 * @param sasl       the SASL login name; empty without AUTH
 * @param sender     the MAIL FROM address as written, without angle brackets; empty for {@code <>}
 * @param recipients the RCPT TO addresses, in order
 * @param listener   the listener of smtpserver.xml (its jmxName); empty for the first one
 */
public record ExplainOptions(InetAddress client, Optional<String> clientName, Optional<String> helo, Optional<String> sasl,
        String sender, List<String> recipients, Optional<String> listener) {

    public static final String USAGE = "usage: postern explain --client IP [--client-name NAME] [--helo NAME]"
        + " [--sasl USER] --sender ADDRESS --rcpt ADDRESS [--rcpt ADDRESS...] [--listener NAME]";

    public ExplainOptions {
        recipients = List.copyOf(recipients);
    }

    public static ExplainOptions parse(List<String> arguments) {
        Optional<InetAddress> client = Optional.empty();
        Optional<String> clientName = Optional.empty();
        Optional<String> helo = Optional.empty();
        Optional<String> sasl = Optional.empty();
        Optional<String> sender = Optional.empty();
        List<String> recipients = new ArrayList<>();
        Optional<String> listener = Optional.empty();
        for (int i = 0; i < arguments.size(); i++) {
            String option = arguments.get(i);
            if (!option.startsWith("--")) {
                throw usage("unexpected argument \"" + option + "\"");
            }
            String value = value(arguments, ++i, option);
            switch (option) {
                case "--client" -> client = Optional.of(address(value));
                case "--client-name" -> clientName = Optional.of(value);
                case "--helo" -> helo = Optional.of(value);
                case "--sasl" -> sasl = Optional.of(value);
                case "--sender" -> sender = Optional.of(unbracketed(value));
                case "--rcpt" -> recipients.add(unbracketed(value));
                case "--listener" -> listener = Optional.of(value);
                default -> throw usage("unknown option " + option);
            }
        }
        if (client.isEmpty()) {
            throw usage("--client is required");
        }
        if (sender.isEmpty()) {
            throw usage("--sender is required (--sender '<>' for the null sender)");
        }
        if (recipients.isEmpty()) {
            throw usage("at least one --rcpt is required");
        }
        return new ExplainOptions(client.get(), clientName, helo, sasl, sender.get(), recipients, listener);
    }

    private static String value(List<String> arguments, int index, String option) {
        if (index >= arguments.size()) {
            throw usage(option + " needs a value");
        }
        return arguments.get(index);
    }

    /** A numeric address only: a name would need DNS, which explain does not ask. */
    private static InetAddress address(String text) {
        String bare = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (!HostSyntax.isValidHostAddress(bare)) {
            throw usage("--client \"" + text + "\" is not an IPv4 or IPv6 address");
        }
        return HostSyntax.literalAddress("[" + (HostSyntax.isValidIpv6(bare) ? "IPv6:" : "") + bare + "]").orElseThrow(
            () -> usage("--client \"" + text + "\" is not an IPv4 or IPv6 address"));
    }

    /** {@code <a@b>} and {@code a@b} alike, as a shell user writes them. */
    private static String unbracketed(String text) {
        String trimmed = text.trim();
        return trimmed.startsWith("<") && trimmed.endsWith(">") ? trimmed.substring(1, trimmed.length() - 1) : trimmed;
    }

    private static IllegalArgumentException usage(String problem) {
        return new IllegalArgumentException("explain: " + problem + "; " + USAGE);
    }
}
