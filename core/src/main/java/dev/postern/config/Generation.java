package dev.postern.config;

/**
 * One version of the running configuration: main.cf as loaded at start or by a reload, with the
 * SMTP listeners' smtpserver.xml overrides applied on top of it. A successful reload makes a new
 * generation with the next number; a component that built its state from an older one rebuilds
 * it at a point where that is safe (a new SMTP session, the next mail).
 *
 * <p>Compared by identity: a generation is the object a reload made, not its contents.
 */
public final class Generation {
    private final long number;
    private final MainCf mainCf;
    private final SmtpdListeners listeners;

    public Generation(long number, MainCf mainCf, SmtpdListeners listeners) {
        this.number = number;
        this.mainCf = mainCf;
        this.listeners = listeners;
    }

    /** 0 for the configuration the server started with, then one more per successful reload. */
    public long number() {
        return number;
    }

    public MainCf mainCf() {
        return mainCf;
    }

    public SmtpdListeners listeners() {
        return listeners;
    }

    /** The generation after this one, with the new main.cf and its listeners. */
    public Generation next(MainCf newMainCf, SmtpdListeners newListeners) {
        return new Generation(number + 1, newMainCf, newListeners);
    }

    @Override
    public String toString() {
        return "generation " + number + (mainCf == null ? "" : " (" + mainCf.file() + ")");
    }
}
