package dev.postern.delivery.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.postern.config.ComponentParameters;
import dev.postern.tables.LookupTable;
import dev.postern.tables.TableSearch;

/**
 * What local(8) and virtual(8) are configured with, read once from main.cf.
 *
 * @param home Postern's home: the working directory of commands and the base of relative paths
 * @param virtualMailboxBase where {@code virtual_mailbox_maps} results are; empty: the mail root
 * @param commandsAllowed {@code allow_mail_to_commands}: {@code alias}, {@code forward}, {@code include}
 * @param filesAllowed {@code allow_mail_to_files}, the same words
 * @param exportEnvironment {@code export_environment}: the variables of Postern's environment commands see
 * @param defaultPrivs {@code default_privs}, resolved when Postern runs as root; empty otherwise
 */
public record LocalDeliverySettings(String recipientDelimiter, MailboxFormat localFormat, MailboxQuota quota,
                                    List<LookupTable> aliasMaps, Set<String> commandsAllowed, Set<String> filesAllowed,
                                    String luserRelay, List<LookupTable> virtualMailboxMaps,
                                    Optional<Path> virtualMailboxBase, Path home, Duration commandTimeLimit,
                                    List<String> exportEnvironment, Optional<DefaultPrivs> defaultPrivs) {
    /** Postfix's {@code command_time_limit}. */
    static final Duration COMMAND_TIME_LIMIT = Duration.ofSeconds(1000);
    private static final Set<String> CONTEXTS = Set.of("alias", "forward", "include");
    /** Postfix's {@code export_environment} default. */
    static final List<String> EXPORT_ENVIRONMENT = List.of("TZ", "MAIL_CONFIG", "LANG");

    /** Where local-class users' mail is kept ({@code postern_local_mailbox_format}). */
    public enum MailboxFormat { MAILDIR, MBOX }

    public LocalDeliverySettings {
        aliasMaps = List.copyOf(aliasMaps);
        commandsAllowed = Set.copyOf(commandsAllowed);
        filesAllowed = Set.copyOf(filesAllowed);
        virtualMailboxMaps = List.copyOf(virtualMailboxMaps);
        exportEnvironment = List.copyOf(exportEnvironment);
    }

    /** {@code alias_maps} as one search ({@link TableSearch}). */
    public TableSearch aliasSearch() {
        return new TableSearch("alias_maps", aliasMaps);
    }

    /** {@code virtual_mailbox_maps} as one search ({@link TableSearch}). */
    public TableSearch virtualMailboxSearch() {
        return new TableSearch("virtual_mailbox_maps", virtualMailboxMaps);
    }

    /** Maildir, no aliases, no limit beyond Postfix's default mailbox_size_limit: the stock James mailet's. */
    public static LocalDeliverySettings defaults(Path home) {
        return new LocalDeliverySettings("", MailboxFormat.MAILDIR, new MailboxQuota(51_200_000L, List.of()), List.of(),
            Set.of("alias", "forward"), Set.of("alias", "forward"), "", List.of(), Optional.empty(), home,
            COMMAND_TIME_LIMIT, EXPORT_ENVIRONMENT, DefaultPrivs.whenRoot("nobody"));
    }

    /**
     * @param tables opens a {@code type:name} table
     * @param aliasTables opens an {@code alias_maps} entry (aliases(5) format for file types)
     * @throws IllegalArgumentException naming the parameter for a bad value, or FILE:LINE for a bad table
     */
    public static LocalDeliverySettings from(ComponentParameters parameters, Function<String, LookupTable> tables,
                                             Function<String, LookupTable> aliasTables, Path home) {
        String format = parameters.get("postern_local_mailbox_format").trim().toLowerCase(Locale.ROOT);
        MailboxFormat localFormat = switch (format) {
            case "maildir", "" -> MailboxFormat.MAILDIR;
            case "mbox" -> MailboxFormat.MBOX;
            default -> throw new IllegalArgumentException("postern_local_mailbox_format: expected maildir or mbox, not \""
                + format + "\"");
        };
        String base = parameters.get("virtual_mailbox_base").trim();
        return new LocalDeliverySettings(parameters.get("recipient_delimiter"), localFormat,
            new MailboxQuota(parameters.number("mailbox_size_limit"), open(parameters, "postern_mailbox_quota_maps", tables)),
            open(parameters, "alias_maps", aliasTables),
            contexts(parameters, "allow_mail_to_commands"), contexts(parameters, "allow_mail_to_files"),
            parameters.get("luser_relay").trim(), open(parameters, "virtual_mailbox_maps", tables),
            base.isEmpty() ? Optional.empty() : Optional.of(home.resolve(base).normalize()), home, COMMAND_TIME_LIMIT,
            parameters.list("export_environment"), DefaultPrivs.whenRoot(parameters.get("default_privs").trim()));
    }

    private static List<LookupTable> open(ComponentParameters parameters, String name, Function<String, LookupTable> opener) {
        return parameters.list(name).stream().map(spec -> {
            try {
                return opener.apply(spec);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
            }
        }).toList();
    }

    private static Set<String> contexts(ComponentParameters parameters, String name) {
        Set<String> words = parameters.list(name).stream().map(word -> word.toLowerCase(Locale.ROOT))
            .collect(Collectors.toSet());
        for (String word : words) {
            if (!CONTEXTS.contains(word)) {
                throw new IllegalArgumentException(name + ": unknown context \"" + word + "\"; expected alias, forward, include");
            }
        }
        return words;
    }
}
