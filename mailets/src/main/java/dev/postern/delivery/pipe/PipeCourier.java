package dev.postern.delivery.pipe;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;

import dev.postern.config.ComponentParameters;
import dev.postern.config.ConfigException;
import dev.postern.config.MasterCfService;
import dev.postern.delivery.Courier;
import dev.postern.delivery.Delivery;
import dev.postern.delivery.OriginalRecipients;
import dev.postern.delivery.RecipientResult;
import dev.postern.delivery.local.LocalCourier;
import dev.postern.delivery.local.PipeCommand;
import dev.postern.queue.MailAttributes;

/**
 * Postfix's pipe(8): the courier of a master.cf {@code pipe} service. The recipients of a delivery
 * go to the command in groups of {@code SERVICE_destination_recipient_limit}; each group runs the
 * command once, without a shell, with {@code argv=}'s macros expanded ({@link PipeArguments}) and the
 * message on standard input ({@link PipeInput}), at most maxproc commands at once. The command's exit
 * status decides for every recipient of its group: 0 delivered; output starting with an enhanced
 * status code decides by that code; a sysexits status by its table ({@code EX_TEMPFAIL} 75 and
 * {@code EX_OSERR} 71 defer); any other status bounces, with the command's output in the text.
 */
public final class PipeCourier implements Courier {
    private static final Pattern DSN = Pattern.compile("^([245])\\.(\\d{1,3}\\.\\d{1,3})\\s+(.*)", Pattern.DOTALL);

    private final PipeService service;
    private final Path workingDirectory;
    private final String recipientDelimiter;
    private final Semaphore processes;
    private final Clock clock;

    PipeCourier(PipeService service, Path workingDirectory, String recipientDelimiter, Clock clock) {
        this.service = service;
        this.workingDirectory = service.directory().map(Path::of).map(workingDirectory::resolve).orElse(workingDirectory);
        this.recipientDelimiter = recipientDelimiter;
        this.processes = new Semaphore(service.processLimit() == 0 ? Integer.MAX_VALUE : service.processLimit(), true);
        this.clock = clock;
    }

    /**
     * @param home the working directory of the commands, unless {@code directory=} says otherwise
     * @throws ConfigException naming the master.cf line of a bad attribute
     */
    public static PipeCourier create(MasterCfService service, ComponentParameters parameters, Path home, Clock clock)
            throws ConfigException {
        return new PipeCourier(PipeService.from(service, parameters), home, parameters.get("recipient_delimiter"), clock);
    }

    @Override
    public String service() {
        return "pipe";
    }

    @Override
    public List<RecipientResult> deliver(Delivery delivery) {
        Instant start = clock.instant();
        if (MailAttributes.isProbe(delivery.mail())) {
            // verify(8): the command would get the mail; it is not run for a probe.
            return delivery.recipients().stream()
                .map(r -> RecipientResult.sent(r, "2.0.0", service.name(), "delivers to command: " + service.name(), start))
                .toList();
        }
        byte[] message;
        try {
            message = messageBytes(delivery.mail());
        } catch (IOException | MessagingException e) {
            return all(delivery.recipients(), false, "4.3.0", "cannot read message: " + e.getMessage(), start);
        }
        if (service.sizeLimit() > 0 && message.length > service.sizeLimit()) {
            return all(delivery.recipients(), true, "5.2.3", "message too large", start);
        }
        List<RecipientResult> results = new ArrayList<>();
        List<MailAddress> recipients = delivery.recipients();
        for (int from = 0; from < recipients.size(); from += service.recipientLimit()) {
            List<MailAddress> group = recipients.subList(from, Math.min(recipients.size(), from + service.recipientLimit()));
            results.addAll(deliverGroup(delivery, message, group));
        }
        return results;
    }

    private List<RecipientResult> deliverGroup(Delivery delivery, byte[] message, List<MailAddress> group) {
        Instant start = clock.instant();
        Mail mail = delivery.mail();
        if (group.size() > 1 && (service.hasFlag('D') || service.hasFlag('O'))) {
            return all(group, false, "4.3.5", "pipe flag '" + (service.hasFlag('D') ? 'D' : 'O') + "' requires "
                + service.name() + "_destination_recipient_limit = 1", start);
        }
        String first = group.get(0).asString();
        if (service.hasFlag('D') && deliveredTo(mail).contains(LocalCourier.foldHeaderAddress(first))) {
            return all(group, true, "5.4.6", "mail forwarding loop for " + first, start);
        }
        String sender = mail.getMaybeSender().asString("");
        String original = OriginalRecipients.of(mail, group.get(0)).orElse(first);
        List<String> argv = PipeArguments.expand(service, common(delivery, message.length), group.stream()
            .map(recipient -> new PipeArguments.Recipient(recipient.asString(),
                OriginalRecipients.of(mail, recipient).orElse(recipient.asString())))
            .toList(), recipientDelimiter);
        byte[] input = PipeInput.of(service, message, sender, first, original, clock.instant().atZone(ZoneId.systemDefault()));
        PipeCommand command;
        try {
            command = new PipeCommand(workingDirectory, service.timeLimit(), service.runAs());
        } catch (IllegalArgumentException e) {
            return all(group, false, "4.3.5", e.getMessage(), start);
        }
        PipeCommand.Exit exit;
        try {
            processes.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return all(group, false, "4.3.0", "interrupted while waiting for a " + service.name() + " process", start);
        }
        try {
            exit = command.execute(argv, Map.of("PATH", "/usr/local/bin:/usr/bin:/bin", "LANG", "C"), input);
        } finally {
            processes.release();
        }
        return judge(group, argv.get(0), exit, start);
    }

    private Map<String, String> common(Delivery delivery, int size) {
        Mail mail = delivery.mail();
        Map<String, String> values = new HashMap<>();
        values.put("sender", mail.getMaybeSender().asOptional().map(MailAddress::asString).orElse(service.nullSender()));
        values.put("nexthop", delivery.route().nexthop().isEmpty() && !delivery.recipients().isEmpty()
            ? delivery.recipients().get(0).getDomain().asString() : delivery.route().nexthop());
        values.put("client_address", nullToEmpty(mail.getRemoteAddr()));
        values.put("client_hostname", nullToEmpty(mail.getRemoteHost()));
        values.put("queue_id", delivery.queueId());
        values.put("size", Integer.toString(size));
        return values;
    }

    private List<RecipientResult> judge(List<MailAddress> group, String program, PipeCommand.Exit exit, Instant start) {
        String output = exit.output().strip();
        switch (exit.ending()) {
            case NOT_STARTED:
                return all(group, false, "4.3.0", "cannot run command \"" + program + "\": " + output, start);
            case INTERRUPTED:
                return all(group, false, "4.3.0", "interrupted while running \"" + program + "\"", start);
            case TIMED_OUT:
                return all(group, true, "5.3.0", "Command time limit exceeded: \"" + program + "\"", start);
            default:
                break;
        }
        if (exit.status() == 0) {
            String text = "delivered via " + service.name() + " service" + (output.isEmpty() ? "" : " (" + clip(output) + ")");
            return group.stream().map(recipient -> RecipientResult.sent(recipient, "2.0.0", service.name(), text, start))
                .toList();
        }
        Matcher dsn = DSN.matcher(output);
        if (dsn.matches()) {
            return all(group, dsn.group(1).equals("5"), dsn.group(1) + "." + dsn.group(2), dsn.group(3).strip(), start);
        }
        String withOutput = output.isEmpty() ? "" : ". Command output: " + output;
        return Sysexits.of(exit.status())
            .map(detail -> all(group, detail.dsn().startsWith("5"), detail.dsn(), detail.text() + withOutput, start))
            .orElseGet(() -> all(group, true, "5.3.0", "Command died with status " + exit.status() + ": \"" + program + "\""
                + withOutput, start));
    }

    private List<RecipientResult> all(List<MailAddress> recipients, boolean permanent, String dsn, String text, Instant start) {
        return recipients.stream().map(recipient -> permanent
                ? RecipientResult.bounced(recipient, dsn, service.name(), text, start)
                : RecipientResult.deferred(recipient, dsn, service.name(), text, start))
            .toList();
    }

    private static java.util.Set<String> deliveredTo(Mail mail) {
        try {
            String[] values = mail.getMessage().getHeader("Delivered-To");
            java.util.Set<String> folded = new java.util.HashSet<>();
            if (values != null) {
                for (String value : values) {
                    folded.add(LocalCourier.foldHeaderAddress(value));
                }
            }
            return folded;
        } catch (MessagingException e) {
            return java.util.Set.of();
        }
    }

    private static byte[] messageBytes(Mail mail) throws IOException, MessagingException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        mail.getMessage().writeTo(out);
        return out.toByteArray();
    }

    /** Postfix keeps at most 100 characters of a successful command's output. */
    private static String clip(String output) {
        return output.length() <= 100 ? output : output.substring(0, 100);
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
