package dev.postern.app;

import java.io.PrintStream;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import dev.postern.app.control.QueueControlClient;
import dev.postern.app.control.QueueEntry;
import dev.postern.app.control.QueueListing;
import dev.postern.app.control.QueueSelection;
import dev.postern.app.control.WebAdminHttp;
import dev.postern.config.MainCf;

/**
 * {@code postern queue [-j]}, {@code postern flush} and {@code postern super -d|-h|-H|-r ID|ALL}: Postfix's
 * {@code mailq}/{@code postqueue -p}/{@code postqueue -j}, {@code postqueue -f} and {@code postsuper},
 * run against the server the home's {@code postern_webadmin_listen} names. The queue belongs to the
 * running server, which holds it in memory as well as on disk, so these commands never touch
 * {@code var/queue/} themselves. Exit status 0 on success, 1 when the server cannot be reached or
 * refuses, 2 for a usage error.
 */
final class QueueCommand {
    static final String QUEUE_USAGE = "usage: postern queue [-j]";
    static final String FLUSH_USAGE = "usage: postern flush";
    static final String SUPER_USAGE = "usage: postern super -d|-h|-H|-r QUEUE_ID|ALL [--until TIME] [-d|-h|-H|-r QUEUE_ID|ALL...]"
        + " (--until only after -h; TIME an RFC 3339 date-time such as 2026-12-08T06:00:00Z)";
    static final String UNTIL = "--until";
    /** postsuper's options, the route each one calls, and how its result is reported. */
    private static final Map<String, Action> ACTIONS = Map.of(
        "-d", new Action("delete", "Deleted"),
        "-h", new Action("hold", "Placed on hold"),
        "-H", new Action("release", "Released from hold"),
        "-r", new Action("requeue", "Requeued"));

    private record Action(String route, String report) {
    }

    private final PosternHome home;
    private final Supplier<MainCf> mainCf;
    private final PrintStream out;
    private final PrintStream err;

    QueueCommand(PosternHome home, Supplier<MainCf> mainCf, PrintStream out, PrintStream err) {
        this.home = home;
        this.mainCf = mainCf;
        this.out = out;
        this.err = err;
    }

    int run(String subcommand, List<String> arguments) {
        try {
            return switch (subcommand) {
                case "queue" -> queue(arguments);
                case "flush" -> flush(arguments);
                case "super" -> superCommand(arguments);
                default -> throw new IllegalArgumentException("unknown queue subcommand " + subcommand);
            };
        } catch (QueueControlClient.Unreachable | QueueControlClient.Refused e) {
            err.println("postern: fatal: " + e.getMessage());
            return 1;
        }
    }

    private int queue(List<String> arguments) throws QueueControlClient.Unreachable, QueueControlClient.Refused {
        boolean json = arguments.equals(List.of("-j"));
        if (!json && !arguments.isEmpty()) {
            throw new IllegalArgumentException(QUEUE_USAGE);
        }
        List<QueueEntry> entries = client().list();
        if (json) {
            entries.forEach(entry -> out.println(QueueControlClient.json(entry)));
        } else {
            QueueListing.lines(entries, ZoneId.systemDefault()).forEach(out::println);
        }
        return 0;
    }

    private int flush(List<String> arguments) throws QueueControlClient.Unreachable, QueueControlClient.Refused {
        if (!arguments.isEmpty()) {
            throw new IllegalArgumentException(FLUSH_USAGE);
        }
        client().flush();
        return 0;
    }

    private int superCommand(List<String> arguments) throws QueueControlClient.Unreachable, QueueControlClient.Refused {
        List<Step> steps = steps(arguments);
        QueueControlClient client = client();
        for (Step step : steps) {
            Action action = ACTIONS.get(step.option());
            long count = step.until().isPresent()
                ? client.holdUntil(List.of(step.operand()), step.until().get())
                : client.apply(action.route(), List.of(step.operand()));
            String report = step.until().map(until -> action.report() + " until " + until).orElse(action.report());
            err.println("postern: " + report + ": " + count + (count == 1 ? " message" : " messages"));
        }
        return 0;
    }

    /** One postsuper option with its queue ID or ALL; {@code -h} may carry a release time. */
    record Step(String option, String operand, Optional<Instant> until) {
    }

    /** Checks every option before anything is done, so that a typo in the second one does not leave half a job. */
    static List<Step> steps(List<String> arguments) {
        if (arguments.isEmpty()) {
            throw new IllegalArgumentException(SUPER_USAGE);
        }
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < arguments.size(); i += 2) {
            String option = arguments.get(i);
            if (!ACTIONS.containsKey(option)) {
                throw new IllegalArgumentException("unknown option \"" + option + "\"; " + SUPER_USAGE);
            }
            if (i + 1 >= arguments.size()) {
                throw new IllegalArgumentException(option + " needs a queue ID or ALL; " + SUPER_USAGE);
            }
            String operand = arguments.get(i + 1);
            QueueSelection.of(List.of(operand));
            Optional<Instant> until = Optional.empty();
            if (i + 2 < arguments.size() && arguments.get(i + 2).equals(UNTIL)) {
                if (!option.equals("-h")) {
                    throw new IllegalArgumentException(UNTIL + " goes only with -h; " + SUPER_USAGE);
                }
                if (i + 3 >= arguments.size()) {
                    throw new IllegalArgumentException(UNTIL + " needs a time; " + SUPER_USAGE);
                }
                until = Optional.of(time(arguments.get(i + 3)));
                i += 2;
            }
            steps.add(new Step(option, operand, until));
        }
        return List.copyOf(steps);
    }

    /** An RFC 3339 date-time, as HOLDUNTIL takes it: {@code 2026-12-08T06:00:00Z}, {@code ...+01:00}. */
    private static Instant time(String text) {
        try {
            return OffsetDateTime.parse(text.toUpperCase(Locale.ROOT)).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(UNTIL + " " + text + ": not a date-time such as 2026-12-08T06:00:00Z; "
                + SUPER_USAGE, e);
        }
    }

    private QueueControlClient client() throws QueueControlClient.Unreachable {
        return new QueueControlClient(WebAdminHttp.forHome(home, mainCf.get(), "queue control",
            QueueControlClient.REQUEST_TIMEOUT));
    }
}
