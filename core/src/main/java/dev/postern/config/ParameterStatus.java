package dev.postern.config;

/**
 * What Postern does with a parameter that Postfix defines: the three statuses of
 * {@code postern postconf --status} and the docs.
 */
public enum ParameterStatus {
    /** In Postern's parameter table ({@link Parameters}): honoured. */
    IMPLEMENTED("implemented"),
    /** Concerns something Postern has no need of: a setting is accepted silently. */
    INERT("inert"),
    /** Would change behaviour in Postfix: a setting is ignored with a warning, or refused where that matters for safety. */
    NOT_IMPLEMENTED("not-implemented");

    private final String label;

    ParameterStatus(String label) {
        this.label = label;
    }

    /** The word used in the data file and by {@code postconf --status}. */
    public String label() {
        return label;
    }

    /** @throws IllegalArgumentException for a word that is not a status */
    public static ParameterStatus fromLabel(String label) {
        for (ParameterStatus status : values()) {
            if (status.label.equals(label)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown parameter status \"" + label + "\"");
    }
}
