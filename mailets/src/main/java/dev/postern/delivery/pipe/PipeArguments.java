package dev.postern.delivery.pipe;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * pipe(8)'s {@code argv=} with its macros expanded for one command: an argument that holds a
 * per-recipient macro ({@code $recipient}, {@code $original_recipient}, {@code $user},
 * {@code $extension}, {@code $mailbox}, {@code $domain}) is repeated once per recipient of the
 * command; the others appear once. Flag {@code h} folds domains to lower case, {@code u} local parts,
 * {@code q} quotes local parts that need it (RFC 5322).
 */
final class PipeArguments {
    private static final Set<String> PER_RECIPIENT = Set.of("recipient", "original_recipient", "user", "extension",
        "mailbox", "domain");
    private static final String SPECIALS = "()<>@,;:\\\".[] ";

    /** One recipient as the macros see it. */
    record Recipient(String address, String originalRecipient) {
    }

    private PipeArguments() {
    }

    /**
     * @param common      the macros that do not depend on the recipient ({@code sender}, {@code nexthop}, ...)
     * @param delimiter   recipient_delimiter's characters, splitting {@code user} and {@code extension}
     */
    static List<String> expand(PipeService service, Map<String, String> common, List<Recipient> recipients,
                               String delimiter) {
        Map<String, String> shared = new HashMap<>(common);
        shared.computeIfPresent("sender", (name, sender) -> quoted(service, sender));
        if (service.hasFlag('h')) {
            shared.computeIfPresent("nexthop", (name, value) -> value.toLowerCase(Locale.ROOT));
            shared.computeIfPresent("client_hostname", (name, value) -> value.toLowerCase(Locale.ROOT));
        }
        List<String> argv = new ArrayList<>();
        for (String argument : service.argv()) {
            if (!hasPerRecipientMacro(argument)) {
                argv.add(substitute(argument, shared));
                continue;
            }
            for (Recipient recipient : recipients) {
                Map<String, String> values = new HashMap<>(shared);
                values.putAll(perRecipient(service, recipient, delimiter));
                argv.add(substitute(argument, values));
            }
        }
        return argv;
    }

    private static boolean hasPerRecipientMacro(String argument) {
        Matcher matcher = PipeService.macros(argument);
        while (matcher.find()) {
            String name = PipeService.macroName(matcher);
            if (name != null && PER_RECIPIENT.contains(name)) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, String> perRecipient(PipeService service, Recipient recipient, String delimiter) {
        String address = recipient.address();
        int at = address.lastIndexOf('@');
        String mailbox = at < 0 ? address : address.substring(0, at);
        String domain = at < 0 ? "" : address.substring(at + 1);
        if (service.hasFlag('u')) {
            mailbox = mailbox.toLowerCase(Locale.ROOT);
        }
        if (service.hasFlag('h')) {
            domain = domain.toLowerCase(Locale.ROOT);
        }
        int split = delimiter.isEmpty() ? -1 : indexOfAny(mailbox, delimiter);
        Map<String, String> values = new HashMap<>();
        values.put("recipient", address(service, address));
        values.put("original_recipient", address(service, recipient.originalRecipient()));
        values.put("mailbox", mailbox);
        values.put("user", split < 0 ? mailbox : mailbox.substring(0, split));
        values.put("extension", split < 0 ? "" : mailbox.substring(split + 1));
        values.put("domain", domain);
        return values;
    }

    /** The sender: flag q only (h and u concern recipients). */
    private static String quoted(PipeService service, String address) {
        int at = address.lastIndexOf('@');
        if (at < 0 || !service.hasFlag('q') || !needsQuoting(address.substring(0, at))) {
            return address;
        }
        return quote(address.substring(0, at)) + address.substring(at);
    }

    private static String quote(String local) {
        return "\"" + local.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** A recipient address with flags h, u and q applied. */
    private static String address(PipeService service, String address) {
        int at = address.lastIndexOf('@');
        if (at < 0) {
            return address;
        }
        String local = address.substring(0, at);
        String domain = address.substring(at + 1);
        if (service.hasFlag('u')) {
            local = local.toLowerCase(Locale.ROOT);
        }
        if (service.hasFlag('h')) {
            domain = domain.toLowerCase(Locale.ROOT);
        }
        if (service.hasFlag('q') && needsQuoting(local)) {
            local = quote(local);
        }
        return local + "@" + domain;
    }

    private static boolean needsQuoting(String local) {
        if (local.isEmpty() || local.startsWith("\"")) {
            return false;
        }
        if (local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
            return true;
        }
        for (char c : local.toCharArray()) {
            if (c != '.' && (SPECIALS.indexOf(c) >= 0 || c < 32 || c == 127)) {
                return true;
            }
        }
        return false;
    }

    private static int indexOfAny(String text, String characters) {
        for (int i = 0; i < text.length(); i++) {
            if (characters.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    private static String substitute(String argument, Map<String, String> values) {
        Matcher matcher = PipeService.macros(argument);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String name = PipeService.macroName(matcher);
            String value = name == null ? "$" : values.getOrDefault(name, "");
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
