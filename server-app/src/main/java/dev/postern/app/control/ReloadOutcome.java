package dev.postern.app.control;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a successful reload did: the parameters whose value changed, those of them that take full
 * effect only after a restart, and the number of the configuration generation now running.
 */
public record ReloadOutcome(@JsonProperty("generation") long generation,
                            @JsonProperty("changed") List<String> changed,
                            @JsonProperty("restart") List<String> restart) {
    public ReloadOutcome {
        changed = List.copyOf(changed);
        restart = List.copyOf(restart);
    }

    /** The text of the mail log line and of the command's report. */
    public String summary() {
        return "configuration reloaded (" + changed.size() + (changed.size() == 1 ? " parameter" : " parameters")
            + " changed; " + (restart.isEmpty() ? "no restart needed" : "restart needed for: " + String.join(", ", restart))
            + ")";
    }
}
