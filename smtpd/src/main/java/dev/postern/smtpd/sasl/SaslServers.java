package dev.postern.smtpd.sasl;

import java.nio.file.Path;
import java.util.Locale;

import dev.postern.config.ComponentParameters;
import dev.postern.config.ConfigException;

/** The {@link SaslServer} that {@code smtpd_sasl_type} names. */
public final class SaslServers {
    private SaslServers() {
    }

    public static SaslServer of(ComponentParameters parameters, Path var, PosternSasl.PasswordCheck users)
            throws ConfigException {
        String type = parameters.get("smtpd_sasl_type").trim().toLowerCase(Locale.ROOT);
        return switch (type) {
            case "postern" -> new PosternSasl(users, parameters.get("smtpd_sasl_local_domain"));
            case "dovecot" -> new DovecotSasl(SaslPath.parse(parameters.get("smtpd_sasl_path"), var),
                parameters.get("smtpd_sasl_service").trim(), DovecotSasl.TIMEOUT);
            default -> throw new ConfigException(parameters.mainCf().origin("smtpd_sasl_type") + ": smtpd_sasl_type: \""
                + type + "\" is not supported: postern (Postern's users) or dovecot (Dovecot's auth service)");
        };
    }
}
