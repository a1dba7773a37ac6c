package dev.postern.mailets;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.james.core.MailAddress;
import org.apache.james.lifecycle.api.Disposable;
import org.apache.james.transport.mailets.remote.delivery.Bouncer;
import org.apache.mailet.Attribute;
import org.apache.mailet.Mail;

/**
 * One delivery attempt of James's RemoteDelivery on one dequeued mail, watched from the outside.
 *
 * <p>RemoteDelivery tells nobody what an attempt did; it only changes the mail. So the mail it is
 * handed is a proxy that forwards every call to the queue's mail and records the changes that tell
 * the outcome: the {@code is-delivery-permanent-error} and {@code delivery-error} attributes and the
 * error message set <em>during this attempt</em> (values carried over from an earlier attempt mean
 * nothing), and every {@code setRecipients}: on a partial SMTP failure James's MailDelivrer narrows
 * the recipients to the rejected ones, bounces them, then narrows them to the ones still to retry,
 * while the ones the server accepted simply disappear from the mail.
 */
final class RelayAttempt implements InvocationHandler {
    private final Mail mail;
    private final Mail handedOut;
    private final Instant dequeued;
    private final List<MailAddress> originalRecipients;
    private final List<List<MailAddress>> recipientChanges = new ArrayList<>();
    private final Map<MailAddress, String> deliveryErrors = new HashMap<>();
    private Boolean permanentError;
    private String errorMessage;
    private Duration requeueDelay;

    RelayAttempt(Mail mail, Instant dequeued) {
        this.mail = mail;
        this.dequeued = dequeued;
        this.originalRecipients = recipientsOf(mail);
        List<Class<?>> interfaces = new ArrayList<>(List.of(Mail.class));
        if (mail instanceof Disposable) {
            // RemoteDelivery disposes of the mail it took; the proxy must pass that on.
            interfaces.add(Disposable.class);
        }
        this.handedOut = (Mail) Proxy.newProxyInstance(RelayAttempt.class.getClassLoader(),
            interfaces.toArray(Class<?>[]::new), this);
    }

    /** The mail as the queue handed it out, unwatched. */
    Mail mail() {
        return mail;
    }

    /** The watching proxy, which is what RemoteDelivery gets. */
    Mail handedOut() {
        return handedOut;
    }

    Instant dequeued() {
        return dequeued;
    }

    /** RemoteDelivery put the mail back into its queue for a later attempt. */
    synchronized void requeued(Duration delay) {
        requeueDelay = delay;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            switch (method.getName()) {
                case "equals":
                    return args[0] == proxy || mail.equals(args[0]);
                case "hashCode":
                    return mail.hashCode();
                default:
                    break;
            }
        }
        Object result;
        try {
            result = method.invoke(mail, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
        observe(method.getName(), args);
        return result;
    }

    private synchronized void observe(String name, Object[] args) {
        switch (name) {
            case "setRecipients" -> recipientChanges.add(recipientsOf(mail));
            case "setErrorMessage" -> errorMessage = (String) args[0];
            case "setAttribute" -> {
                if (args.length == 1 && args[0] instanceof Attribute attribute) {
                    observe(attribute);
                }
            }
            default -> {
            }
        }
    }

    private void observe(Attribute attribute) {
        Object value = attribute.getValue().value();
        if (attribute.getName().equals(Bouncer.IS_DELIVERY_PERMANENT_ERROR) && value instanceof Boolean permanent) {
            permanentError = permanent;
        } else if (attribute.getName().equals(Bouncer.DELIVERY_ERROR) && value instanceof String error) {
            // The Bouncer sets it just before sending the mail, as it is now, to the bounce processor.
            recipientsOf(mail).forEach(recipient -> deliveryErrors.put(recipient, error));
        }
    }

    /** What the attempt did to the mail, read when the queue item is done. */
    synchronized Result result() {
        List<MailAddress> remaining = recipientsOf(mail);
        Set<MailAddress> narrowedAway = new LinkedHashSet<>();
        for (int i = 0; i < recipientChanges.size() - 1; i++) {
            narrowedAway.addAll(recipientChanges.get(i));
        }
        remaining.forEach(narrowedAway::remove);
        return new Result(originalRecipients, remaining, narrowedAway, Map.copyOf(deliveryErrors),
            Optional.ofNullable(permanentError), Optional.ofNullable(errorMessage), Optional.ofNullable(requeueDelay));
    }

    /**
     * @param original     the recipients when the mail was dequeued
     * @param remaining    the recipients now, the ones the attempt's overall outcome is about
     * @param narrowedAway recipients the attempt set aside before its end: bounced separately
     * @param deliveryErrors the {@code delivery-error} the Bouncer gave each recipient it bounced
     * @param permanentError {@code is-delivery-permanent-error} as this attempt set it
     * @param errorMessage the mail's error message as this attempt set it
     * @param requeueDelay set when the attempt put the mail back into the queue
     */
    record Result(List<MailAddress> original,
                  List<MailAddress> remaining,
                  Set<MailAddress> narrowedAway,
                  Map<MailAddress, String> deliveryErrors,
                  Optional<Boolean> permanentError,
                  Optional<String> errorMessage,
                  Optional<Duration> requeueDelay) {
    }

    private static List<MailAddress> recipientsOf(Mail mail) {
        Collection<MailAddress> recipients = mail.getRecipients();
        return recipients == null ? List.of() : List.copyOf(recipients);
    }
}
