package dev.postern.tables;

/**
 * A problem in a table source file that Postfix, too, reports and gets past: the rule is skipped
 * (or the line ignored) and the rest of the file is used. Written as Postfix writes its warnings,
 * {@code FILE, line N: message} ({@code FILE} is the {@code type:{...}} name of an inline table), without the {@code warning: } prefix, which the one who prints
 * it adds.
 *
 * <p>Every file-backed table keeps the warnings of its last successful read: {@link
 * TableRegistry#warnings()} lists those of every table opened so far, for {@code postern check};
 * they are also logged (WARN) each time the file is read, at start and at every reload.
 */
public record TableWarning(String source, int line, String message) {

    @Override
    public String toString() {
        return source + ", line " + line + ": " + message;
    }

    /** Receives the warnings of one read of a table file. */
    @FunctionalInterface
    public interface Sink {
        /** @param source the file name, or the {@code type:{...}} name of an inline table */
        void warn(String source, int line, String message);

        /** A sink that drops everything, for callers that do not report warnings. */
        static Sink ignoring() {
            return (file, line, message) -> { };
        }
    }
}
