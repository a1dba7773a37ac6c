package dev.postern.app.status;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.webadmin.Routes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.postern.app.control.QueueControl;
import dev.postern.app.control.QueueEntry;
import dev.postern.app.metrics.RecentActivity;
import dev.postern.config.LiveConfiguration;
import spark.Service;

/**
 * {@code GET /status} on WebAdmin: the {@link StatusPage}. Behind WebAdmin's guard like every route
 * (the token, no Origin, WebAdmin's own Host).
 */
public final class StatusRoutes implements Routes {
    public static final String PATH = "/status";
    private static final Logger LOGGER = LoggerFactory.getLogger(StatusRoutes.class);

    private final QueueControl queue;
    private final LiveConfiguration configuration;
    private final RecentActivity activity;
    private final Clock clock;

    @Inject
    public StatusRoutes(QueueControl queue, LiveConfiguration configuration, RecentActivity activity, Clock clock) {
        this.queue = queue;
        this.configuration = configuration;
        this.activity = activity;
        this.clock = clock;
    }

    @Override
    public String getBasePath() {
        return PATH;
    }

    @Override
    public void define(Service service) {
        service.get(PATH, (request, response) -> {
            List<QueueEntry> entries;
            try {
                entries = queue.list();
            } catch (MessagingException | RuntimeException e) {
                LOGGER.warn("GET {}: cannot list the queue", PATH, e);
                response.status(500);
                response.type("text/plain; charset=utf-8");
                return "cannot list the queue: " + e.getMessage() + "\n";
            }
            response.type("text/html; charset=utf-8");
            response.header("Cache-Control", "no-store");
            return StatusPage.render(new StatusPage.Facts(configuration.current().mainCf().get("myhostname"),
                configuration.current().number(), Duration.ofMillis(ManagementFactory.getRuntimeMXBean().getUptime()),
                clock.instant(), entries, activity.receivedPerMinute(), activity.rejectsPerMinute()));
        });
    }
}
