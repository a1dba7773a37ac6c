package dev.postern.delivery.smtp;

import java.time.Duration;
import java.util.List;

import dev.postern.config.ComponentParameters;

/**
 * The main.cf parameters of the SMTP and LMTP clients, read once when a courier is built. The
 * lmtp client reads the same {@code smtp_*} names (Postern has no separate {@code lmtp_*} ones).
 */
public record ClientSettings(String myhostname, String heloName, Duration connectTimeout, Duration heloTimeout,
                             Duration mailTimeout, Duration rcptTimeout, Duration dataInitTimeout,
                             Duration dataXferTimeout, Duration dataDoneTimeout, Duration quitTimeout,
                             TlsLevel tlsLevel, String tlsCaFile, boolean saslEnabled, List<String> saslPasswordMaps,
                             boolean senderDependentAuthentication, boolean connectionCacheOnDemand,
                             Duration connectionCacheTimeLimit, long destinationConcurrencyLimit) {

    public ClientSettings {
        saslPasswordMaps = List.copyOf(saslPasswordMaps);
    }

    /** @throws IllegalArgumentException naming the parameter with a bad value */
    public static ClientSettings from(ComponentParameters parameters) {
        return new ClientSettings(
            parameters.get("myhostname").trim(),
            parameters.get("smtp_helo_name").trim(),
            parameters.duration("smtp_connect_timeout"),
            parameters.duration("smtp_helo_timeout"),
            parameters.duration("smtp_mail_timeout"),
            parameters.duration("smtp_rcpt_timeout"),
            parameters.duration("smtp_data_init_timeout"),
            parameters.duration("smtp_data_xfer_timeout"),
            parameters.duration("smtp_data_done_timeout"),
            parameters.duration("smtp_quit_timeout"),
            TlsLevel.parse("smtp_tls_security_level", parameters.get("smtp_tls_security_level")),
            parameters.get("smtp_tls_CAfile").trim(),
            parameters.bool("smtp_sasl_auth_enable"),
            parameters.list("smtp_sasl_password_maps"),
            parameters.bool("smtp_sender_dependent_authentication"),
            parameters.bool("smtp_connection_cache_on_demand"),
            parameters.duration("smtp_connection_cache_time_limit"),
            parameters.number("default_destination_concurrency_limit"));
    }

    /** These settings at another TLS level (MTA-STS raises the level for a policy domain's MX hosts). */
    public ClientSettings withTlsLevel(TlsLevel level) {
        return new ClientSettings(myhostname, heloName, connectTimeout, heloTimeout, mailTimeout, rcptTimeout, dataInitTimeout,
            dataXferTimeout, dataDoneTimeout, quitTimeout, level, tlsCaFile, saslEnabled, saslPasswordMaps,
            senderDependentAuthentication, connectionCacheOnDemand, connectionCacheTimeLimit, destinationConcurrencyLimit);
    }
}
