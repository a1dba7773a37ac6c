package dev.postern.app;

import java.net.BindException;

import com.google.inject.CreationException;
import com.google.inject.ProvisionException;
import com.google.inject.spi.Message;

/** A start that cannot proceed, reduced to the one line that tells the operator why. */
public class StartupFailure extends Exception {
    public StartupFailure(String message) {
        super(message);
    }

    public StartupFailure(String message, Throwable cause) {
        super(message, cause);
    }

    static StartupFailure from(Throwable failure) {
        Throwable root = rootCause(failure);
        if (root instanceof BindException) {
            return new StartupFailure("cannot listen: " + root.getMessage(), failure);
        }
        if (root instanceof ClassNotFoundException) {
            return new StartupFailure("class not found: " + root.getMessage()
                + " (named in the configuration; looked in lib/ and extensions-jars/)", failure);
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return new StartupFailure(firstLine(message), failure);
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable current = failure;
        if (current instanceof CreationException creation) {
            current = firstCause(creation.getErrorMessages().stream().map(Message::getCause).toList(), current);
        } else if (current instanceof ProvisionException provision) {
            current = firstCause(provision.getErrorMessages().stream().map(Message::getCause).toList(), current);
        }
        while (current.getCause() != null && current.getCause() != current) {
            current = current.getCause();
        }
        return current;
    }

    private static Throwable firstCause(java.util.List<Throwable> causes, Throwable fallback) {
        return causes.stream().filter(java.util.Objects::nonNull).findFirst().orElse(fallback);
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
