package dev.postern.delivery.smtp.sts;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Function;

import javax.net.ssl.SSLContext;

/**
 * Fetches {@code https://mta-sts.DOMAIN/.well-known/mta-sts.txt} with the JDK's HttpClient as
 * RFC 8461 §3.3 asks: the server's certificate verified against the given trust (and the host
 * name, which HttpClient checks), no redirects followed, only a 200 answer of type text/plain,
 * at most 64 KiB, within a time limit. The host name is resolved by the JVM's resolver, as for
 * any HTTPS client.
 */
public final class HttpsPolicyFetcher implements PolicyFetcher {
    /** RFC 8461 §3.3 suggests a limit of 64 KB on the policy. */
    static final int MAX_BYTES = 64 * 1024;

    private final HttpClient client;
    private final Duration timeout;
    private final Function<String, String> urls;

    /**
     * @param trust   verifies the policy server's certificate
     * @param timeout for the connection and for the whole answer (RFC 8461 §3.3 suggests 60s)
     */
    public HttpsPolicyFetcher(SSLContext trust, Duration timeout) {
        this(trust, timeout, domain -> url(domain, 443));
    }

    /** @param urls the policy URL of a domain (tests: a server on another port) */
    HttpsPolicyFetcher(SSLContext trust, Duration timeout, Function<String, String> urls) {
        this.client = HttpClient.newBuilder()
            .sslContext(trust)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(timeout)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
        this.timeout = timeout;
        this.urls = urls;
    }

    static String url(String domain, int port) {
        return "https://mta-sts." + domain + (port == 443 ? "" : ":" + port) + "/.well-known/mta-sts.txt";
    }

    @Override
    public String fetch(String domain) throws StsPolicyException {
        String url = urls.apply(domain);
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new StsPolicyException(url + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StsPolicyException(url + ": interrupted", e);
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new StsPolicyException(url + ": HTTP status " + response.statusCode() + " (redirects are not followed)");
            }
            String type = response.headers().firstValue("Content-Type").orElse("");
            if (!type.toLowerCase(java.util.Locale.ROOT).startsWith("text/plain")) {
                throw new StsPolicyException(url + ": content type \"" + StsPolicy.printable(type) + "\" is not text/plain");
            }
            byte[] bytes = body.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new StsPolicyException(url + ": policy larger than " + MAX_BYTES + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StsPolicyException(url + ": reading the policy: " + e.getMessage(), e);
        }
    }
}
