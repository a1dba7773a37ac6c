package dev.postern.milter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import dev.postern.log.MailEvent;

/**
 * One SMTP session's conversation with one filter, as Postfix holds it: a connection of its own,
 * option negotiation, then the session's events in order, each with the macros its stage asks
 * for. The filter's protocol bits are honoured: an event it declined ({@code NO*}) is not sent
 * (its macros are), an event whose reply it declined ({@code NR_*}) is not waited for.
 *
 * <p>A filter that cannot be reached, times out or breaks the protocol is dropped for the rest
 * of the session with a warning, and {@code milter_default_action} answers for it from then on.
 * Not thread-safe: one SMTP session drives it.
 */
public final class MilterClient implements AutoCloseable {
    /** The value of a macro at the moment of an event; empty when it has none (it is then not sent). */
    @FunctionalInterface
    public interface Macros {
        Optional<String> value(String name);

        Macros NONE = name -> Optional.empty();
    }

    /** The filter's word on the message at end of message, and the changes it asks for. */
    public record EndOfMessage(MilterReply reply, List<MilterModification> modifications, boolean leadingSpace) {
        public EndOfMessage {
            modifications = List.copyOf(modifications);
        }
    }

    private enum State { OPEN, DONE, FAILED }

    private final MilterSettings settings;
    private final Consumer<String> warnings;
    /** Told each final word of the filter, for the metrics. */
    private final Consumer<MailEvent> decisions;
    private MilterConnection connection;
    private State state = State.OPEN;
    private int version;
    private int protocol;
    private final Map<MilterStage, List<String>> macroNames = new EnumMap<>(MilterStage.class);
    /** MAIL was sent and neither end of message nor ABORT since. */
    private boolean inMessage;
    /** The filter's final word on the current message, given before end of message. */
    private MilterReply messageVerdict;

    private MilterClient(MilterSettings settings, Consumer<String> warnings, Consumer<MailEvent> decisions) {
        this.settings = settings;
        this.warnings = warnings;
        this.decisions = decisions;
        macroNames.putAll(settings.macros());
    }

    /** Connects and negotiates; a failure leaves a client that answers with the default action. */
    public static MilterClient open(MilterSettings settings, Consumer<String> warnings) {
        return open(settings, warnings, decision -> {
        });
    }

    /**
     * As {@link #open(MilterSettings, Consumer)}, telling {@code decisions} each final word of the
     * filter ({@link MailEvent.MilterDecision}): accept, reject, tempfail, discard, shutdown,
     * quarantine at end of message, and its default action when it fails.
     */
    public static MilterClient open(MilterSettings settings, Consumer<String> warnings, Consumer<MailEvent> decisions) {
        MilterClient client = new MilterClient(settings, warnings, decisions);
        try {
            client.connection = MilterConnection.open(settings.endpoint(), settings.connectTimeout());
            client.negotiate();
        } catch (MilterException e) {
            client.fail(e);
        }
        return client;
    }

    public String name() {
        return settings.endpoint().name();
    }

    /** Whether the filter failed and the default action stands for it. */
    public boolean failed() {
        return state == State.FAILED;
    }

    private void negotiate() throws MilterException {
        int offered = settings.protocol() >= 6 ? MilterProtocol.ALL_PROTOCOL : 0x3FF;
        connection.write(MilterPacket.Builder.start().int32(settings.protocol()).int32(MilterProtocol.ALL_ACTIONS)
            .int32(offered).packet('O'), settings.connectTimeout());
        MilterPacket reply = connection.read(settings.connectTimeout());
        if (reply.command() != 'O') {
            throw new MilterException("milter " + name() + ": unexpected reply '" + reply.command() + "' to option negotiation");
        }
        version = reply.int32(0);
        int actions = reply.int32(4);
        protocol = reply.int32(8);
        if (version > settings.protocol() || version < 2) {
            throw new MilterException("milter " + name() + ": protocol version " + version + " conflict with MTA version "
                + settings.protocol());
        }
        if ((actions & ~MilterProtocol.ALL_ACTIONS) != 0) {
            throw new MilterException("milter " + name() + ": requested filter actions 0x" + Integer.toHexString(actions)
                + " do not match MTA actions 0x" + Integer.toHexString(MilterProtocol.ALL_ACTIONS));
        }
        readMacroLists(reply);
    }

    /** The (stage, "names") pairs after the three integers replace the configured macro lists. */
    private void readMacroLists(MilterPacket reply) throws MilterException {
        byte[] data = reply.data();
        int offset = 12;
        while (offset + 4 < data.length) {
            int stage = reply.int32(offset);
            int end = offset + 4;
            while (end < data.length && data[end] != 0) {
                end++;
            }
            String names = new String(data, offset + 4, end - offset - 4, java.nio.charset.StandardCharsets.UTF_8);
            MilterStage known = MilterStage.ofNumber(stage);
            if (known != null) {
                macroNames.put(known, Arrays.stream(names.split("[\\s,]+")).filter(n -> !n.isEmpty()).toList());
            }
            offset = end + 1;
        }
    }

    /** The connect event: the client's name ({@code [addr]} when unknown), address family, port and address. */
    public MilterReply connect(String hostname, String address, int port, Macros macros) {
        char family = address.contains(":") ? '6' : '4';
        MilterPacket packet = MilterPacket.Builder.start().strings(hostname).raw(new byte[] {(byte) family})
            .int16(port).strings(address).packet('C');
        return sessionEvent(event(MilterStage.CONNECT, packet, MilterProtocol.NOCONNECT, MilterProtocol.NR_CONN,
            settings.commandTimeout(), macros));
    }

    public MilterReply helo(String name, Macros macros) {
        return sessionEvent(event(MilterStage.HELO, MilterPacket.ofStrings('H', name), MilterProtocol.NOHELO,
            MilterProtocol.NR_HELO, settings.commandTimeout(), macros));
    }

    /** MAIL FROM: the sender in angle brackets, then its ESMTP parameters. A transaction still open is aborted first. */
    public MilterReply mail(String sender, List<String> parameters, Macros macros) {
        abort();
        inMessage = state == State.OPEN;
        return messageEvent(event(MilterStage.MAIL, MilterPacket.ofStrings('M', arguments(sender, parameters)),
            MilterProtocol.NOMAIL, MilterProtocol.NR_MAIL, settings.commandTimeout(), macros));
    }

    /**
     * RCPT TO: a refusal concerns this recipient only; accept and discard concern the message.
     */
    public MilterReply rcpt(String recipient, List<String> parameters, Macros macros) {
        if (messageVerdict != null) {
            return MilterReply.CONTINUE;
        }
        MilterReply reply = event(MilterStage.RCPT, MilterPacket.ofStrings('R', arguments(recipient, parameters)),
            MilterProtocol.NORCPT, MilterProtocol.NR_RCPT, settings.commandTimeout(), macros);
        if (reply.kind() == MilterReply.Kind.ACCEPT || reply.kind() == MilterReply.Kind.DISCARD) {
            messageVerdict = reply;
        }
        return reply;
    }

    public MilterReply data(Macros macros) {
        if (messageVerdict != null) {
            return messageVerdict.refuses() ? messageVerdict : MilterReply.CONTINUE;
        }
        if (version < 4) {
            return MilterReply.CONTINUE;
        }
        return messageEvent(event(MilterStage.DATA, new MilterPacket('T', new byte[0]), MilterProtocol.NODATA,
            MilterProtocol.NR_DATA, settings.commandTimeout(), macros));
    }

    /**
     * The message: each header, end of headers, the body in chunks, end of message; then the
     * filter's changes up to its final reply. A filter that already decided on the message is not
     * sent it; its decision stands.
     */
    public EndOfMessage content(MilterMessage message, Macros macros) {
        boolean leadingSpace = (protocol & MilterProtocol.HDR_LEADSPC) != 0;
        if (state == State.FAILED) {
            return failedEndOfMessage();
        }
        if (state != State.OPEN || messageVerdict != null) {
            inMessage = false;
            MilterReply verdict = messageVerdict == null ? MilterReply.ACCEPT : messageVerdict;
            messageVerdict = null;
            return new EndOfMessage(verdict, List.of(), leadingSpace);
        }
        try {
            MilterReply reply = sendContent(message, leadingSpace, macros);
            if (reply.isFinal()) {
                inMessage = false;
                return new EndOfMessage(reply, List.of(), leadingSpace);
            }
            sendMacros(MilterStage.END_OF_MESSAGE, macros, settings.contentTimeout());
            connection.write(new MilterPacket('E', new byte[0]), settings.contentTimeout());
            EndOfMessage result = readEndOfMessage(leadingSpace);
            inMessage = false;
            return result;
        } catch (MilterException e) {
            fail(e);
            return failedEndOfMessage();
        }
    }

    private MilterReply sendContent(MilterMessage message, boolean leadingSpace, Macros macros) throws MilterException {
        Duration timeout = settings.contentTimeout();
        if ((protocol & MilterProtocol.NOHDRS) == 0) {
            for (MilterMessage.Header header : message.headers()) {
                connection.write(MilterPacket.ofStrings('L', header.name(), header.forFilter(leadingSpace)), timeout);
                if ((protocol & MilterProtocol.NR_HDR) == 0) {
                    MilterReply reply = readReply('L', timeout);
                    if (reply.kind() == MilterReply.Kind.SKIP) {
                        break;
                    }
                    if (reply.isFinal()) {
                        return reply;
                    }
                }
            }
        }
        sendMacros(MilterStage.END_OF_HEADERS, macros, timeout);
        if ((protocol & MilterProtocol.NOEOH) == 0) {
            connection.write(new MilterPacket('N', new byte[0]), timeout);
            if ((protocol & MilterProtocol.NR_EOH) == 0) {
                MilterReply reply = readReply('N', timeout);
                if (reply.isFinal()) {
                    return reply;
                }
            }
        }
        if ((protocol & MilterProtocol.NOBODY) == 0) {
            byte[] body = message.body();
            for (int offset = 0; offset < body.length; offset += MilterProtocol.BODY_CHUNK) {
                byte[] chunk = Arrays.copyOfRange(body, offset, Math.min(body.length, offset + MilterProtocol.BODY_CHUNK));
                connection.write(new MilterPacket('B', chunk), timeout);
                if ((protocol & MilterProtocol.NR_BODY) == 0) {
                    MilterReply reply = readReply('B', timeout);
                    if (reply.kind() == MilterReply.Kind.SKIP) {
                        break;
                    }
                    if (reply.isFinal()) {
                        return reply;
                    }
                }
            }
        }
        return MilterReply.CONTINUE;
    }

    private EndOfMessage readEndOfMessage(boolean leadingSpace) throws MilterException {
        List<MilterModification> modifications = new ArrayList<>();
        while (true) {
            MilterPacket packet = connection.read(settings.contentTimeout());
            Optional<MilterModification> modification = modification(packet);
            if (modification.isPresent()) {
                modifications.add(modification.get());
                continue;
            }
            MilterReply reply = reply(packet, 'E');
            if (reply == null) {
                continue;
            }
            // at end of message "continue" means the filter has no objection
            MilterReply verdict = reply.kind() == MilterReply.Kind.CONTINUE ? MilterReply.ACCEPT : reply;
            boolean quarantine = modifications.stream().anyMatch(MilterModification.Quarantine.class::isInstance);
            decided(quarantine && verdict.kind() == MilterReply.Kind.ACCEPT ? "quarantine" : action(verdict));
            return new EndOfMessage(verdict, modifications, leadingSpace);
        }
    }

    private Optional<MilterModification> modification(MilterPacket packet) throws MilterException {
        List<String> strings;
        switch (packet.command()) {
            case 'h':
                strings = packet.strings();
                return Optional.of(new MilterModification.AddHeader(at(strings, 0, packet), at(strings, 1, packet)));
            case 'i':
                strings = packet.strings(4);
                return Optional.of(new MilterModification.InsertHeader(packet.int32(0), at(strings, 0, packet),
                    at(strings, 1, packet)));
            case 'm':
                strings = packet.strings(4);
                return Optional.of(new MilterModification.ChangeHeader(packet.int32(0), at(strings, 0, packet),
                    strings.size() > 1 ? strings.get(1) : ""));
            case 'b':
                return Optional.of(new MilterModification.ReplaceBody(packet.data()));
            case '+':
                return Optional.of(new MilterModification.AddRecipient(
                    MilterModification.bare(at(packet.strings(), 0, packet)), List.of()));
            case '2':
                strings = packet.strings();
                return Optional.of(new MilterModification.AddRecipient(MilterModification.bare(at(strings, 0, packet)),
                    parameters(strings)));
            case '-':
                return Optional.of(new MilterModification.DeleteRecipient(
                    MilterModification.bare(at(packet.strings(), 0, packet))));
            case 'e':
                strings = packet.strings();
                return Optional.of(new MilterModification.ChangeSender(MilterModification.bare(at(strings, 0, packet)),
                    parameters(strings)));
            case 'q':
                return Optional.of(new MilterModification.Quarantine(packet.strings().stream().findFirst().orElse("")));
            default:
                return Optional.empty();
        }
    }

    private static List<String> parameters(List<String> strings) {
        return strings.size() < 2 ? List.of()
            : Arrays.stream(String.join(" ", strings.subList(1, strings.size())).trim().split("\\s+"))
                .filter(s -> !s.isEmpty()).toList();
    }

    private String at(List<String> strings, int index, MilterPacket packet) throws MilterException {
        if (strings.size() <= index) {
            throw new MilterException("milter " + name() + ": malformed '" + packet.command() + "' packet");
        }
        return strings.get(index);
    }

    /** RSET, a new MAIL, or a refused transaction: the filter forgets the message. */
    public void abort() {
        if (state == State.OPEN && inMessage) {
            try {
                connection.write(new MilterPacket('A', new byte[0]), settings.commandTimeout());
            } catch (MilterException e) {
                fail(e);
            }
        }
        inMessage = false;
        messageVerdict = null;
    }

    /** End of the SMTP session: QUIT to the filter and the connection closed. */
    @Override
    public void close() {
        if (state == State.OPEN) {
            try {
                connection.write(new MilterPacket('Q', new byte[0]), settings.commandTimeout());
            } catch (MilterException e) {
                // the session is over: nothing depends on the filter hearing it
            }
        }
        if (connection != null) {
            connection.close();
        }
        state = state == State.FAILED ? State.FAILED : State.DONE;
    }

    private MilterReply sessionEvent(MilterReply reply) {
        if (state == State.OPEN && reply.isFinal()) {
            // accept at CONNECT or HELO: the filter wants nothing more of this session; a refusal ends it too
            close();
        }
        return reply;
    }

    private MilterReply messageEvent(MilterReply reply) {
        if (state == State.OPEN && reply.isFinal()) {
            messageVerdict = reply;
        }
        return reply;
    }

    private MilterReply event(MilterStage stage, MilterPacket packet, int declined, int noReply, Duration timeout,
            Macros macros) {
        if (state == State.FAILED) {
            return settings.defaultAction().reply();
        }
        if (state != State.OPEN) {
            return MilterReply.ACCEPT;
        }
        try {
            sendMacros(stage, macros, timeout);
            if ((protocol & declined) != 0) {
                return MilterReply.CONTINUE;
            }
            connection.write(packet, timeout);
            if ((protocol & noReply) != 0) {
                return MilterReply.CONTINUE;
            }
            return readReply(packet.command(), timeout);
        } catch (MilterException e) {
            fail(e);
            return settings.defaultAction().reply();
        }
    }

    private void sendMacros(MilterStage stage, Macros macros, Duration timeout) throws MilterException {
        MilterPacket.Builder builder = MilterPacket.Builder.start().raw(new byte[] {(byte) stage.command()});
        boolean any = false;
        for (String name : macroNames.getOrDefault(stage, List.of())) {
            Optional<String> value = macros.value(name);
            if (value.isPresent()) {
                builder.strings(name, value.get());
                any = true;
            }
        }
        if (any) {
            connection.write(builder.packet('D'), timeout);
        }
    }

    private MilterReply readReply(char event, Duration timeout) throws MilterException {
        while (true) {
            MilterReply reply = reply(connection.read(timeout), event);
            if (reply != null) {
                if (reply.isFinal()) {
                    decided(action(reply));
                }
                return reply;
            }
        }
    }

    /** The reply a packet means; null for {@code p} (progress: keep waiting). */
    private MilterReply reply(MilterPacket packet, char event) throws MilterException {
        return switch (packet.command()) {
            case 'c' -> MilterReply.CONTINUE;
            case 'a' -> MilterReply.ACCEPT;
            case 'r' -> MilterReply.REJECT;
            case 't' -> MilterReply.TEMPFAIL;
            case 'd' -> MilterReply.DISCARD;
            case 's' -> MilterReply.SKIP;
            case '4' -> MilterReply.SHUTDOWN;
            case 'p' -> null;
            case 'y' -> MilterReply.replyCode(packet.strings().stream().findFirst().orElse(""));
            default -> throw new MilterException("milter " + name() + ": unexpected filter response '" + packet.command()
                + "' after event '" + event + "'");
        };
    }

    private EndOfMessage failedEndOfMessage() {
        inMessage = false;
        messageVerdict = null;
        MilterDefaultAction action = settings.defaultAction();
        List<MilterModification> hold = action == MilterDefaultAction.QUARANTINE
            ? List.of(new MilterModification.Quarantine("milter " + name() + ": default action quarantine")) : List.of();
        return new EndOfMessage(action.reply(), hold, false);
    }

    private static String action(MilterReply reply) {
        return reply.kind().name().toLowerCase(java.util.Locale.ROOT);
    }

    private void decided(String action) {
        decisions.accept(new MailEvent.MilterDecision(name(), action));
    }

    private void fail(MilterException e) {
        String action = settings.defaultAction().name().toLowerCase(java.util.Locale.ROOT);
        warnings.accept(e.getMessage() + "; default action " + action);
        // the default action stands for the filter from now on: its decision, once
        decided(action);
        if (connection != null) {
            connection.close();
        }
        state = State.FAILED;
    }

    private static String[] arguments(String address, List<String> parameters) {
        List<String> all = new ArrayList<>();
        all.add("<" + address + ">");
        all.addAll(parameters);
        return all.toArray(String[]::new);
    }
}
