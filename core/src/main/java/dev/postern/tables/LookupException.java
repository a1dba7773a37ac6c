package dev.postern.tables;

/** A lookup that could not be answered: the table is unreadable, a pipe failed, a fail: table. */
public class LookupException extends Exception {
    public LookupException(String message) {
        super(message);
    }

    public LookupException(String message, Throwable cause) {
        super(message, cause);
    }
}
