package dev.postern.smtpd.sasl;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * {@code smtpd_sasl_type = dovecot}: each AUTH command is one exchange over its own connection to
 * Dovecot's auth service at {@code smtpd_sasl_path} (handshake, then {@code AUTH} and {@code CONT}
 * lines under one request id), closed when the exchange ends. The mechanisms of the last handshake
 * are those announced, so that an EHLO does not wait for Dovecot; while Dovecot is unreachable an
 * AUTH gets a temporary failure (454), and a refusal is a failure (535) whatever Dovecot's
 * {@code temp} flag says, as in Postfix.
 */
public final class DovecotSasl implements SaslServer {
    /** Postfix's wait for each answer of the auth service. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final SaslPath path;
    private final String service;
    private final Duration timeout;
    private final AtomicReference<List<SaslMechanism>> lastOffered = new AtomicReference<>(List.of());

    public DovecotSasl(SaslPath path, String service, Duration timeout) {
        this.path = path;
        this.service = service;
        this.timeout = timeout;
    }

    @Override
    public List<SaslMechanism> mechanisms(Consumer<String> warnings) {
        if (lastOffered.get().isEmpty()) {
            try (DovecotAuthConnection connection = connect()) {
                // the handshake alone records the mechanisms
            } catch (IOException e) {
                warnings.accept("SASL: Connect to Dovecot auth socket '" + path + "' failed: " + e.getMessage());
            }
        }
        return lastOffered.get();
    }

    @Override
    public SaslExchange start(String mechanism, SaslClient client) {
        return new Exchange(mechanism, client);
    }

    private DovecotAuthConnection connect() throws IOException {
        DovecotAuthConnection connection = DovecotAuthConnection.open(path.address(), timeout);
        lastOffered.set(connection.mechanisms());
        return connection;
    }

    /** One AUTH: the connection is opened by the first step and closed with the exchange. */
    private final class Exchange implements SaslExchange {
        /** One request per connection, so its id is always the first. */
        private static final String ID = "1";

        private final String mechanism;
        private final SaslClient client;
        private DovecotAuthConnection connection;

        Exchange(String mechanism, SaslClient client) {
            this.mechanism = mechanism;
            this.client = client;
        }

        @Override
        public SaslStep step(Optional<String> response) {
            try {
                if (connection == null) {
                    connection = connectForExchange();
                    if (connection == null) {
                        return new SaslStep.Unavailable("Unable to connect to authentication server");
                    }
                    connection.send(authRequest(response));
                } else {
                    connection.send("CONT", ID, response.orElse(""));
                }
                return answer();
            } catch (IOException e) {
                close();
                return new SaslStep.Unavailable("Connection lost to authentication server");
            }
        }

        private DovecotAuthConnection connectForExchange() {
            try {
                return connect();
            } catch (IOException e) {
                return null;
            }
        }

        private String[] authRequest(Optional<String> initialResponse) {
            List<String> fields = new ArrayList<>(List.of("AUTH", ID, mechanism, "service=" + service, "nologin",
                "lip=" + client.local().getAddress().getHostAddress(),
                "rip=" + client.remote().getAddress().getHostAddress(),
                "lport=" + client.local().getPort(), "rport=" + client.remote().getPort()));
            if (client.secured()) {
                fields.add("secured");
            }
            initialResponse.ifPresent(response -> fields.add("resp=" + response));
            return fields.toArray(String[]::new);
        }

        /** Dovecot's answer to our request; lines for other ids are not ours and are skipped. */
        private SaslStep answer() throws IOException {
            while (true) {
                List<String> fields = connection.readLine();
                if (fields.size() < 2 || !fields.get(1).equals(ID)) {
                    continue;
                }
                switch (fields.get(0)) {
                    case "OK" -> {
                        return parameter(fields, "user").<SaslStep>map(SaslStep.Success::new)
                            .orElse(new SaslStep.Failure("Authentication backend error"));
                    }
                    case "CONT" -> {
                        return new SaslStep.Challenge(fields.size() > 2 ? fields.get(2) : "");
                    }
                    case "FAIL" -> {
                        return new SaslStep.Failure(parameter(fields, "reason").orElse("authentication failure"));
                    }
                    default -> {
                        // a reply this client does not know: wait for one it does
                    }
                }
            }
        }

        private static Optional<String> parameter(List<String> fields, String name) {
            return fields.stream().skip(2).filter(field -> field.startsWith(name + "="))
                .map(field -> field.substring(name.length() + 1)).findFirst();
        }

        @Override
        public void close() {
            if (connection != null) {
                connection.close();
                connection = null;
            }
        }
    }
}
