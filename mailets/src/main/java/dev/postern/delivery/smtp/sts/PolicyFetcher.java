package dev.postern.delivery.smtp.sts;

/** Fetches the policy text of a domain; {@link HttpsPolicyFetcher} for the server, fakes in tests. */
public interface PolicyFetcher {
    /**
     * @return the body of {@code https://mta-sts.DOMAIN/.well-known/mta-sts.txt}
     * @throws StsPolicyException saying why there is none (HTTP status, TLS, size, time)
     */
    String fetch(String domain) throws StsPolicyException;
}
