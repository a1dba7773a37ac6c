package dev.postern.app.webadmin;

import javax.inject.Inject;

import org.apache.james.webadmin.Routes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.postern.config.ListenAddress;
import dev.postern.config.MainCf;

import spark.Service;

/**
 * Installs {@link WebAdminGuard} in front of every WebAdmin path, and {@link MailRepositoryCreationFilter}
 * in front of James's repository creation. A {@link Routes} is the one hook James 3.8.1 offers into its
 * Spark service before it starts; the filters it registers apply to all routes, whichever module
 * defined them. Warns when WebAdmin can be reached from beyond this host.
 */
public final class WebAdminGuardRoutes implements Routes {
    private static final Logger LOGGER = LoggerFactory.getLogger(WebAdminGuardRoutes.class);
    private static final String PARAMETER = "postern_webadmin_listen";

    private final MainCf mainCf;
    private final WebAdminToken token;

    @Inject
    public WebAdminGuardRoutes(MainCf mainCf, WebAdminToken token) {
        this.mainCf = mainCf;
        this.token = token;
    }

    @Override
    public String getBasePath() {
        return "/postern/guard";
    }

    /** Called only when WebAdmin is enabled, that is when the parameter names an address. */
    @Override
    public void define(Service service) {
        ListenAddress listen = ListenAddress.parse(PARAMETER, mainCf.get(PARAMETER))
            .orElseThrow(() -> new IllegalStateException(PARAMETER + " is empty but WebAdmin starts"));
        WebAdminHosts hosts = new WebAdminHosts(listen);
        if (hosts.beyondLoopback()) {
            LOGGER.warn("WebAdmin listens on {} ({}), beyond loopback: whoever reaches it with the token of"
                + " var/{} can manage this server; keep it on 127.0.0.1 unless a firewall keeps others out",
                listen, PARAMETER, WebAdminToken.FILE);
        }
        service.before(new WebAdminGuard(hosts, token));
        service.before(MailRepositoryCreationFilter.ROUTE, new MailRepositoryCreationFilter());
    }
}
