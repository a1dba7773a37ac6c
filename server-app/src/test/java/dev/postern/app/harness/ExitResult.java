package dev.postern.app.harness;

import java.util.ArrayList;
import java.util.List;

/** Exit status and output of one {@code bin/postern} run that was expected to end by itself. */
public record ExitResult(int exitCode, String stdout, String stderr) {

    public List<String> stdoutLines() {
        return lines(stdout);
    }

    public List<String> stderrLines() {
        return lines(stderr);
    }

    /** Standard output lines followed by standard error lines. */
    public List<String> allLines() {
        List<String> all = new ArrayList<>(stdoutLines());
        all.addAll(stderrLines());
        return all;
    }

    private static List<String> lines(String text) {
        return text.isEmpty() ? List.of() : List.of(text.split("\r?\n"));
    }

    @Override
    public String toString() {
        return "exit code " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
    }
}
