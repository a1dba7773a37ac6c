package dev.postern.smtpd.sasl;

import java.nio.file.Path;

/** Where a relative {@code smtpd_sasl_path} socket is: Postern's {@code var/}. */
public record SaslSocketDirectory(Path path) {
}
