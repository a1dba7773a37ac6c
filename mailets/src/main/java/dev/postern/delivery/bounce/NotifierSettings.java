package dev.postern.delivery.bounce;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import javax.mail.internet.AddressException;

import org.apache.james.core.MailAddress;

import dev.postern.config.ComponentParameters;

/**
 * The main.cf parameters of Postfix's bounce daemon, read once. Unqualified addresses
 * ({@code postmaster}, {@code double-bounce}) get {@code @$myorigin}, as Postfix's trivial-rewrite
 * appends it.
 *
 * @param notifyClasses {@code notify_classes}, lower case
 * @param bounceSizeLimit {@code bounce_size_limit}: larger originals are returned as headers only
 * @param delayWarningTime {@code delay_warning_time}, for the wording of delay warnings
 * @param maximalQueueLifetime {@code maximal_queue_lifetime}: a delayed message's {@code Will-Retry-Until}
 */
public record NotifierSettings(String myhostname, String mailName, Set<String> notifyClasses,
                               MailAddress bounceNoticeRecipient, MailAddress twoBounceNoticeRecipient,
                               MailAddress delayNoticeRecipient, MailAddress doubleBounceSender,
                               long bounceSizeLimit, Duration delayWarningTime, Duration maximalQueueLifetime) {

    public NotifierSettings {
        notifyClasses = notifyClasses.stream().map(c -> c.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    public static NotifierSettings from(ComponentParameters parameters) {
        String myorigin = parameters.get("myorigin");
        return new NotifierSettings(parameters.get("myhostname"), parameters.get("mail_name"),
            Set.copyOf(parameters.list("notify_classes")),
            address(parameters, "bounce_notice_recipient", myorigin),
            address(parameters, "2bounce_notice_recipient", myorigin),
            address(parameters, "delay_notice_recipient", myorigin),
            address(parameters, "double_bounce_sender", myorigin),
            parameters.number("bounce_size_limit"),
            parameters.duration("delay_warning_time"),
            parameters.duration("maximal_queue_lifetime"));
    }

    /** Whether {@code notify_classes} names this class ({@code bounce}, {@code 2bounce}, {@code delay}). */
    public boolean notifies(String notifyClass) {
        return notifyClasses.contains(notifyClass);
    }

    private static MailAddress address(ComponentParameters parameters, String name, String myorigin) {
        String value = parameters.get(name).trim();
        String qualified = value.contains("@") ? value : value + "@" + myorigin;
        try {
            return new MailAddress(qualified);
        } catch (AddressException e) {
            throw new IllegalArgumentException(name + ": not a mail address: \"" + value + "\"", e);
        }
    }
}
