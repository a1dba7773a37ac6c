package dev.postern.app.modules;

import java.time.Duration;

import javax.inject.Inject;

import org.apache.james.utils.GuiceProbe;

import dev.postern.config.LiveConfiguration;
import dev.postern.smtpd.SessionRegistry;

/** Lets the launcher reach the SMTP sessions from outside the injector when it stops the server. */
public class DrainProbe implements GuiceProbe {
    private final SessionRegistry sessions;
    private final LiveConfiguration live;

    @Inject
    public DrainProbe(SessionRegistry sessions, LiveConfiguration live) {
        this.sessions = sessions;
        this.live = live;
    }

    /** @return the number of transactions still in progress when the timeout ran out */
    public int drain(Duration timeout) throws InterruptedException {
        sessions.startDraining();
        sessions.awaitNoTransactions(timeout);
        return sessions.transactionsInProgress();
    }

    /** Closes what the configuration keeps open (idle policy service connections) before the stop. */
    public void retireConfiguration() {
        live.retireCurrent();
    }
}
