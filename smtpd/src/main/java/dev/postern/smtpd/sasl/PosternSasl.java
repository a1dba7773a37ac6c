package dev.postern.smtpd.sasl;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code smtpd_sasl_type = postern}: PLAIN and LOGIN checked against Postern's users store (the
 * {@link PasswordCheck} runs James's auth hooks). {@code smtpd_sasl_local_domain} completes a login
 * name without {@code @}, as Cyrus's realm does for Postfix.
 */
public final class PosternSasl implements SaslServer {
    /** LOGIN's two prompts, base64 of "Username:" and "Password:". */
    private static final String USERNAME_PROMPT = "VXNlcm5hbWU6";
    private static final String PASSWORD_PROMPT = "UGFzc3dvcmQ6";
    private static final List<SaslMechanism> MECHANISMS = List.of(
        new SaslMechanism("LOGIN", Set.of(SaslMechanism.PLAINTEXT)),
        new SaslMechanism("PLAIN", Set.of(SaslMechanism.PLAINTEXT)));

    /** Checks a login name and password against the users store. */
    @FunctionalInterface
    public interface PasswordCheck {
        boolean test(SaslClient client, String username, String password);
    }

    private final PasswordCheck check;
    private final String localDomain;

    public PosternSasl(PasswordCheck check, String localDomain) {
        this.check = check;
        this.localDomain = localDomain.trim();
    }

    @Override
    public List<SaslMechanism> mechanisms(Consumer<String> warnings) {
        return MECHANISMS;
    }

    @Override
    public SaslExchange start(String mechanism, SaslClient client) {
        return mechanism.equals("PLAIN") ? new Plain(client) : new Login(client);
    }

    private SaslStep verify(SaslClient client, String username, String password) {
        String login = username.contains("@") || localDomain.isEmpty() ? username : username + "@" + localDomain;
        return check.test(client, login, password)
            ? new SaslStep.Success(login)
            : new SaslStep.Failure("authentication failure");
    }

    private static Optional<String> decode(String base64) {
        try {
            return Optional.of(new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** PLAIN (RFC 4616): one response, "authorization-id NUL login NUL password". */
    private final class Plain implements SaslExchange {
        private final SaslClient client;

        Plain(SaslClient client) {
            this.client = client;
        }

        @Override
        public SaslStep step(Optional<String> response) {
            if (response.isEmpty()) {
                return new SaslStep.Challenge("");
            }
            Optional<String> decoded = decode(response.get());
            if (decoded.isEmpty()) {
                return new SaslStep.Malformed();
            }
            String[] parts = decoded.get().split("\0", -1);
            if (parts.length != 3 || parts[1].isEmpty()) {
                return new SaslStep.Malformed();
            }
            return verify(client, parts[1], parts[2]);
        }

        @Override
        public void close() {
        }
    }

    /** LOGIN: the login name, then the password, each after its prompt. */
    private final class Login implements SaslExchange {
        private final SaslClient client;
        private String username;

        Login(SaslClient client) {
            this.client = client;
        }

        @Override
        public SaslStep step(Optional<String> response) {
            if (response.isEmpty()) {
                return new SaslStep.Challenge(username == null ? USERNAME_PROMPT : PASSWORD_PROMPT);
            }
            Optional<String> decoded = decode(response.get());
            if (decoded.isEmpty()) {
                return new SaslStep.Malformed();
            }
            if (username == null) {
                username = decoded.get();
                return new SaslStep.Challenge(PASSWORD_PROMPT);
            }
            return verify(client, username, decoded.get());
        }

        @Override
        public void close() {
        }
    }
}
