package dev.postern.cleanup;


import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import dev.postern.restrictions.Reply;
import dev.postern.tables.LookupException;

/**
 * Postfix's cleanup header_checks, mime_header_checks, nested_header_checks and body_checks
 * for one message: each logical header and each body line is looked up in its class's
 * tables, and the first table result is carried out. Actions are logged as they fire, in
 * cleanup's form ({@code QID: warning: header ...}). One instance inspects one message.
 *
 * <p>REJECT, DISCARD, PASS, and the actions that refuse the message end the inspection.
 * FILTER and REDIRECT (for each, the last one wins) and BCC are returned for the pipeline to
 * carry out, as the access(5) ones are.
 */
public final class ContentInspection implements ContentVisitor {
    static final Reply LOOKUP_PROBLEM = new Reply(451, "4.3.0", "Error: queue file write error");
    /** The reason of a REJECT without text (Postfix's CLEANUP_STAT_CONT detail). */
    static final String DEFAULT_REJECT_TEXT = "message content rejected";
    private static final Pattern DSN_AT_START = Pattern.compile("[245]\\.\\d{1,3}\\.\\d{1,3}(?=\\s|$)");

    private final ContentChecks checks;
    private final CleanupContext context;
    private final Consumer<String> log;
    private final boolean softBounce;
    private final TreeMap<Long, ContentEdits.Edit> edits = new TreeMap<>();
    private boolean inspecting = true;
    private Reply refusal;
    private String hold;
    private String discard;
    private String filter;
    private String redirect;
    private final List<String> bcc = new java.util.ArrayList<>();

    /**
     * @param log        receives each cleanup line, the text after {@code cleanup[PID]: }
     * @param softBounce {@code soft_bounce = yes}: a 5xx refusal is answered 4xx
     */
    public ContentInspection(ContentChecks checks, CleanupContext context, Consumer<String> log, boolean softBounce) {
        this.checks = checks;
        this.context = context;
        this.log = log;
        this.softBounce = softBounce;
    }

    /** Reads the message (once, as a stream) and returns what the checks decided. */
    public ContentOutcome inspect(InputStream message) throws IOException {
        new MessageScanner(this, checks.headerSizeLimit()).scan(message);
        return outcome();
    }

    /** What the checks decided about the content seen so far. */
    ContentOutcome outcome() {
        return new ContentOutcome(Optional.ofNullable(refusal), Optional.ofNullable(hold), Optional.ofNullable(discard),
            Optional.ofNullable(filter), Optional.ofNullable(redirect), bcc, refusal == null ? new ContentEdits(edits) : ContentEdits.none());
    }

    @Override
    public boolean wantsMoreThanHeaders() {
        return checks.has(ContentClass.BODY) || checks.has(ContentClass.MIME_HEADER)
            || checks.has(ContentClass.NESTED_HEADER);
    }

    @Override
    public boolean header(ContentClass kind, String header, long firstRecord, long lastRecord) {
        if (inspecting && checks.has(kind)) {
            lookup(kind, header).ifPresent(value -> act(kind, header, ContentAction.parse(value), firstRecord, lastRecord));
        }
        return inspecting;
    }

    @Override
    public boolean inspectsBodyAt(long offset) {
        long limit = checks.bodySizeLimit();
        return inspecting && checks.has(ContentClass.BODY) && (limit <= 0 || offset < limit);
    }

    @Override
    public boolean body(String line, long record, long offset) {
        if (inspectsBodyAt(offset)) {
            lookup(ContentClass.BODY, line).ifPresent(value -> act(ContentClass.BODY, line, ContentAction.parse(value), record, record));
        }
        return inspecting;
    }

    private Optional<String> lookup(ContentClass kind, String content) {
        try {
            return checks.find(kind, content);
        } catch (LookupException e) {
            // a table that cannot answer must not let the message through unchecked
            log.accept("warning: " + context.queueId() + ": " + kind.parameter()
                + " map lookup problem -- message not accepted, try again later");
            refuse(LOOKUP_PROBLEM);
            return Optional.empty();
        }
    }

    private void act(ContentClass kind, String content, ContentAction action, long first, long last) {
        String text = action.text();
        String map = kind.parameter();
        switch (action.type()) {
            case REJECT -> reject(kind, content, text);
            case WARN -> logAction("warning", kind, content, text);
            case INFO -> logAction("info", kind, content, text);
            case PASS -> {
                logAction("pass", kind, content, text);
                inspecting = false;
            }
            case DISCARD -> {
                logAction("discard", kind, content, text);
                discard = text;
                inspecting = false;
            }
            case HOLD -> {
                if (hold == null && discard == null) {
                    logAction("hold", kind, content, text);
                    hold = text;
                }
            }
            case PREPEND -> {
                if (validEditText(action, kind)) {
                    logAction("prepend", kind, content, text);
                    edits.put(first, new ContentEdits.Edit(first, last, List.of(text), null, false));
                }
            }
            case REPLACE -> {
                if (validEditText(action, kind)) {
                    logAction("replace", kind, content, text);
                    edits.put(first, new ContentEdits.Edit(first, last, List.of(), text, false));
                }
            }
            case STRIP -> {
                logAction("strip", kind, content, text);
                edits.put(first, new ContentEdits.Edit(first, last, List.of(), null, true));
            }
            case IGNORE -> edits.put(first, new ContentEdits.Edit(first, last, List.of(), null, true));
            case FILTER -> {
                if (text.isEmpty()) {
                    log.accept("warning: missing FILTER command argument in " + map + " map");
                } else if (wellFormed(text.indexOf(':') >= 0,
                        "bad FILTER command " + text + " in " + map + " -- need transport:destination")) {
                    logAction("filter", kind, content, text);
                    filter = text;
                }
            }
            case REDIRECT -> {
                if (wellFormed(text.indexOf('@') > 0, "bad REDIRECT target \"" + text + "\" in " + map + " map -- need user@domain")) {
                    logAction("redirect", kind, content, text);
                    redirect = text;
                }
            }
            case BCC -> {
                if (wellFormed(text.indexOf('@') > 0, "bad BCC address \"" + text + "\" in " + map + " map -- need user@domain")) {
                    logAction("bcc", kind, content, text);
                    bcc.add(text);
                }
            }
            case DUNNO -> {
            }
            case UNKNOWN -> log.accept("warning: unknown command in " + map + " map: " + action.keyword()
                + (text.isEmpty() ? "" : " " + text));
        }
    }

    /**
     * REJECT: the text may start with its own enhanced status code (default 5.7.1); a 4.x.x one
     * makes the refusal temporary (451), anything but 4 or 5 is taken as 4.
     */
    private void reject(ContentClass kind, String content, String text) {
        String reason = withStatus(text.isEmpty() ? DEFAULT_REJECT_TEXT : text);
        if (reason.charAt(0) != '4' && reason.charAt(0) != '5') {
            log.accept("warning: bad DSN action in " + text + " -- need 4.x.x or 5.x.x");
            reason = '4' + reason.substring(1);
        }
        logAction("reject", kind, content, reason);
        int space = reason.indexOf(' ');
        refuse(Reply.of(reason.charAt(0) == '4' ? 451 : 550, reason.substring(0, space), reason.substring(space + 1)));
    }

    /** Postfix's dsn_prepend("5.7.1", text): {@code D.S.N rest}, keeping a status the text starts with. */
    static String withStatus(String text) {
        String trimmed = text.stripLeading();
        java.util.regex.Matcher dsn = DSN_AT_START.matcher(trimmed);
        if (dsn.lookingAt()) {
            return dsn.group() + " " + trimmed.substring(dsn.end()).stripLeading();
        }
        return "5.7.1 " + trimmed;
    }

    /** A malformed FILTER, REDIRECT or BCC is ignored with a warning, as Postfix ignores it. */
    private boolean wellFormed(boolean valid, String warning) {
        if (!valid) {
            log.accept("warning: " + warning);
        }
        return valid;
    }

    /** PREPEND and REPLACE need text, and in a header it must itself be a header. */
    private boolean validEditText(ContentAction action, ContentClass kind) {
        String map = kind.parameter();
        if (action.text().isEmpty()) {
            log.accept("warning: " + action.type() + " action without text in " + map + " map");
            return false;
        }
        if (kind.isHeader() && MessageScanner.headerNameLength(action.text()) == 0) {
            log.accept("warning: bad " + action.type() + " header text \"" + action.text() + "\" in " + map
                + " map -- need \"headername: headervalue\"");
            return false;
        }
        return true;
    }

    private void refuse(Reply reply) {
        refusal = softBounce ? reply.softBounced() : reply;
        inspecting = false;
    }

    private void logAction(String action, ContentClass kind, String content, String text) {
        log.accept(context.line(kind.logged(action), kind, content, text));
    }
}
