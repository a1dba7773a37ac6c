package dev.postern.smtpd;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MailAddress;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStream;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.postern.cleanup.CleanupContext;
import dev.postern.cleanup.ContentChecks;
import dev.postern.cleanup.ContentInspection;
import dev.postern.cleanup.ContentOutcome;
import dev.postern.config.ComponentParameters;
import dev.postern.config.ParameterType;
import dev.postern.log.MailLog;
import dev.postern.restrictions.Reply;

/**
 * Postfix's cleanup {@code header_checks}, {@code mime_header_checks},
 * {@code nested_header_checks} and {@code body_checks}, run on the received message before
 * the reply to DATA, so that a REJECT is an SMTP refusal ({@code 550 5.7.1 ...}, or
 * {@code 451} for a 4.x.x status) and never a bounce to a possibly forged sender. HOLD,
 * DISCARD, FILTER, REDIRECT and BCC become the same mail attributes as the access(5) actions;
 * PREPEND, REPLACE, STRIP
 * and IGNORE rewrite the message before {@link QueueingMessageHook} queues it. With no table
 * configured the message is not read at all.
 */
public class HeaderBodyChecksHook implements JamesMessageHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(HeaderBodyChecksHook.class);
    private static final Reply READ_ERROR = FixedReply.QUEUE_FILE_WRITE_ERROR.reply();

    private final HookEnvironment environment;
    private PerListener<Settings> settings;
    private MailLog mailLog;

    /** The checks of one listener in one configuration generation. */
    private record Settings(ContentChecks checks, boolean softBounce) {
        static Settings of(ComponentParameters parameters, HookEnvironment environment) {
            return new Settings(ContentChecks.open(parameters::list, environment::openTable,
                parameters.number("body_checks_size_limit"), Math.toIntExact(parameters.number("header_size_limit"))),
                ParameterType.toBoolean("soft_bounce", parameters.get("soft_bounce").trim()));
        }
    }

    @Inject
    public HeaderBodyChecksHook(HookEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        settings = environment.perListener(config, this, parameters -> Settings.of(parameters, environment));
        // cleanup is one service for all listeners, as in Postfix: its lines keep main.cf's
        // syslog_name whatever a listener's override says
        mailLog = environment.mailLog(environment.parameters(config, this));
    }

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        Settings current = settings.of(session);
        ContentChecks checks = current.checks();
        if (checks.isEmpty()) {
            return HookResult.DECLINED;
        }
        String queueId = SessionQueueId.get(session).orElse(mail.getName());
        ContentOutcome outcome;
        try (InputStream message = new MimeMessageInputStream(mail.getMessage())) {
            outcome = new ContentInspection(checks, context(session, mail, queueId),
                line -> mailLog.log("cleanup", line), current.softBounce()).inspect(message);
            ContentEvents.record(mailLog, outcome);
            if (outcome.refusal().isEmpty() && !outcome.edits().isEmpty()) {
                rewrite(mail, outcome, queueId);
            }
        } catch (IOException | MessagingException e) {
            LOGGER.error("{}: cannot read the message for header and body checks: {}", queueId, e.getMessage(), e);
            return SmtpdRestrictionsHook.reply(READ_ERROR);
        }
        if (outcome.refusal().isPresent()) {
            return SmtpdRestrictionsHook.reply(outcome.refusal().get());
        }
        SessionDecisions.carryOut(session, outcome);
        return HookResult.DECLINED;
    }

    /**
     * Writes the changed message to a new source (kept in memory when small, in a temporary
     * file otherwise, as James keeps received messages) and makes it the mail's message.
     */
    private static void rewrite(Mail mail, ContentOutcome outcome, String queueId) throws IOException, MessagingException {
        MimeMessageInputStreamSource source = MimeMessageInputStreamSource.create(queueId + "-checked");
        try (InputStream original = new MimeMessageInputStream(mail.getMessage());
             OutputStream out = source.getWritableOutputStream()) {
            outcome.edits().apply(original, out);
        } catch (IOException | MessagingException e) {
            source.dispose();
            throw e;
        }
        if (mail instanceof MailImpl impl) {
            impl.setMessageContent(source);
        } else {
            mail.setMessage(new MimeMessageWrapper(source));
        }
    }

    private static CleanupContext context(SMTPSession session, Mail mail, String queueId) {
        List<MailAddress> recipients = List.copyOf(mail.getRecipients());
        return new CleanupContext(queueId, ClientIdentity.of(session), mail.getMaybeSender().asString(""),
            recipients.isEmpty() ? "" : recipients.get(recipients.size() - 1).asString(), SmtpdLogger.protocol(session),
            SmtpdLogger.helo(session));
    }
}
