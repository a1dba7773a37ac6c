package dev.postern.app;

/**
 * One finding of {@code postern check} (and of the check a start makes first): a {@link Severity#WARNING}
 * works but deserves the administrator's attention; an {@link Severity#ERROR} stops a start. The text
 * names where the problem is: FILE:LINE, parameter, table, listener, processor and mailet.
 */
public record Problem(Severity severity, String text) {
    public enum Severity { WARNING, ERROR }

    public static Problem warning(String text) {
        return new Problem(Severity.WARNING, text);
    }

    public static Problem error(String text) {
        return new Problem(Severity.ERROR, text);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** As Postfix's programs write it: {@code postern: warning: ...} or {@code postern: fatal: ...}. */
    public String line() {
        return "postern: " + (isError() ? "fatal" : "warning") + ": " + text;
    }
}
