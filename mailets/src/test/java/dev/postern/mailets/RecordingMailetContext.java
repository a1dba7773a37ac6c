package dev.postern.mailets;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.mail.MessagingException;

import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.apache.mailet.base.test.FakeMailContext;

/**
 * FakeMailContext keeps a snapshot of each sent mail without its name or error message;
 * this keeps the Mail objects themselves, with the processor and delay they were sent with.
 */
public final class RecordingMailetContext {
    public record Sent(Mail mail, String processor, long delay, TimeUnit unit) {
    }

    public final List<Sent> sent = new ArrayList<>();
    /** When set, sendMail throws as a full spool would. */
    public boolean failing;
    private final FakeMailContext delegate = FakeMailContext.defaultContext();

    public MailetContext context() {
        return (MailetContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {MailetContext.class},
            (proxy, method, args) -> {
                if (method.getName().equals("sendMail") && args != null && args[0] instanceof Mail mail) {
                    if (failing) {
                        throw new MessagingException("spool full");
                    }
                    String state = args.length >= 2 && args[1] instanceof String s ? s : mail.getState();
                    long delay = args.length == 4 ? (Long) args[2] : args.length == 3 ? (Long) args[1] : 0;
                    TimeUnit unit = args.length >= 3 ? (TimeUnit) args[args.length - 1] : null;
                    mail.setState(state);
                    sent.add(new Sent(mail, state, delay, unit));
                    return null;
                }
                try {
                    return method.invoke(delegate, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
    }
}
