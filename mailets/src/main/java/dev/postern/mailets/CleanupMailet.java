package dev.postern.mailets;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.postern.PosternEnvironment;
import dev.postern.config.ComponentParameters;
import dev.postern.config.ConfigException;
import dev.postern.queue.QueueIdGenerator;
import dev.postern.rewrite.CleanupMaps;

/**
 * What Postern's cleanup mailets share: parameters by their main.cf names (an init parameter of
 * the same name overrides one), tables opened through the server's registry, and the deferral
 * of a mail the stage cannot finish ({@link CleanupDeferral}) to the processor named by the
 * init parameter {@code retryProcessor} after {@code minimal_backoff_time}.
 */
abstract class CleanupMailet extends GenericMailet {
    static final String RETRY_PROCESSOR = "retryProcessor";
    private static final Logger LOGGER = LoggerFactory.getLogger(CleanupMailet.class);

    private final PosternEnvironment environment;
    private final Clock clock;
    private final QueueIdGenerator unique;
    private CleanupDeferral deferral;

    CleanupMailet(PosternEnvironment environment, Clock clock, QueueIdGenerator unique) {
        this.environment = environment;
        this.clock = clock;
        this.unique = unique;
    }

    /** The processor a deferred mail goes back to when {@code retryProcessor} is not set. */
    abstract String defaultRetryProcessor();

    /** Builds the stage from its parameters; a bad value is an {@link IllegalArgumentException} naming it. */
    abstract void configure(ComponentParameters parameters, CleanupMaps maps);

    /** The stage itself. */
    abstract void process(Mail mail) throws StageFailure, MessagingException;

    /** The stage cannot finish this mail now: it is deferred unchanged. */
    static final class StageFailure extends Exception {
        private final String dsn;
        private final String text;

        StageFailure(String dsn, String text, String detail, Throwable cause) {
            super(detail, cause);
            this.dsn = dsn;
            this.text = text;
        }
    }

    @Override
    public void init() throws MessagingException {
        try {
            ComponentParameters parameters = environment.parameters(
                name -> Optional.ofNullable(getInitParameter(name)), getMailetName());
            configure(parameters, new CleanupMaps(parameters, environment::openTable));
            deferral = new CleanupDeferral(environment.mailLog(parameters), clock, unique,
                getInitParameter(RETRY_PROCESSOR, defaultRetryProcessor()), parameters.duration("minimal_backoff_time"));
        } catch (ConfigException | RuntimeException e) {
            throw new MessagingException(getMailetName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public final void service(Mail mail) throws MessagingException {
        Instant start = clock.instant();
        try {
            process(mail);
        } catch (StageFailure failure) {
            LOGGER.warn("{}: {}: {} -- message deferred", QueueIdGenerator.queueIdOf(mail.getName()), getMailetName(),
                failure.getMessage());
            deferral.defer(mail, getMailetContext(), start, failure.dsn, failure.text);
        }
    }
}
