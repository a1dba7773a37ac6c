package dev.postern.policy;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;

import dev.postern.config.ParameterType;

/**
 * How one policy service is asked: the {@code smtpd_policy_service_*} parameters, which a
 * {@code check_policy_service { inet:host:port, name=value, ... }} may override for its server.
 *
 * @param timeout       time limit of connecting, writing the request and reading the reply
 * @param maxIdle       an unused connection older than this is closed rather than reused
 * @param maxTtl        a connection older than this is closed rather than reused
 * @param requestLimit  requests per connection; 0 = no limit
 * @param tryLimit      attempts of one request before the default action applies
 * @param retryDelay    pause between attempts
 * @param defaultAction the access(5) action when the service does not answer
 * @param policyContext sent as {@code policy_context}
 */
public record PolicyServiceSettings(Duration timeout, Duration maxIdle, Duration maxTtl, int requestLimit, int tryLimit,
        Duration retryDelay, String defaultAction, String policyContext) {
    static final String PREFIX = "smtpd_policy_service_";

    /** Postfix 3.7's defaults. */
    public static final PolicyServiceSettings DEFAULTS = new PolicyServiceSettings(Duration.ofSeconds(100),
        Duration.ofSeconds(300), Duration.ofSeconds(1000), 0, 2, Duration.ofSeconds(1),
        "451 4.3.5 Server configuration problem", "");

    /**
     * @param parameters a main.cf value by name; null means Postfix's default
     * @throws IllegalArgumentException naming the parameter with a bad value
     */
    public static PolicyServiceSettings fromParameters(Function<String, String> parameters) {
        PolicyServiceSettings settings = DEFAULTS;
        for (String name : new String[] {"timeout", "max_idle", "max_ttl", "request_limit", "try_limit", "retry_delay",
                "default_action", "policy_context"}) {
            String value = parameters.apply(PREFIX + name);
            if (value != null) {
                settings = settings.with(PREFIX + name, name, value.trim());
            }
        }
        return settings;
    }

    /**
     * This with one attribute changed; {@code name} without the {@code smtpd_policy_service_} prefix.
     *
     * @param where how an error names the setting: the parameter, or the restriction's override
     * @throws IllegalArgumentException for an unknown name or a bad value, naming {@code where}
     */
    public PolicyServiceSettings with(String where, String name, String value) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "timeout" -> new PolicyServiceSettings(positive(where, value), maxIdle, maxTtl, requestLimit, tryLimit,
                retryDelay, defaultAction, policyContext);
            case "max_idle" -> new PolicyServiceSettings(timeout, positive(where, value), maxTtl, requestLimit, tryLimit,
                retryDelay, defaultAction, policyContext);
            case "max_ttl" -> new PolicyServiceSettings(timeout, maxIdle, positive(where, value), requestLimit, tryLimit,
                retryDelay, defaultAction, policyContext);
            case "request_limit" -> new PolicyServiceSettings(timeout, maxIdle, maxTtl, number(where, value, 0), tryLimit,
                retryDelay, defaultAction, policyContext);
            case "try_limit" -> new PolicyServiceSettings(timeout, maxIdle, maxTtl, requestLimit, number(where, value, 1),
                retryDelay, defaultAction, policyContext);
            case "retry_delay" -> new PolicyServiceSettings(timeout, maxIdle, maxTtl, requestLimit, tryLimit,
                positive(where, value), defaultAction, policyContext);
            case "default_action" -> {
                if (value.isEmpty()) {
                    throw new IllegalArgumentException(where + ": the default action must not be empty");
                }
                yield new PolicyServiceSettings(timeout, maxIdle, maxTtl, requestLimit, tryLimit, retryDelay, value,
                    policyContext);
            }
            case "policy_context" -> new PolicyServiceSettings(timeout, maxIdle, maxTtl, requestLimit, tryLimit, retryDelay,
                defaultAction, value);
            default -> throw new IllegalArgumentException(where + ": unknown policy service attribute \"" + name
                + "\" (expected timeout, max_idle, max_ttl, request_limit, try_limit, retry_delay, default_action or"
                + " policy_context)");
        };
    }

    private static Duration positive(String where, String value) {
        Duration duration = ParameterType.toDuration(where, value);
        if (duration.isZero()) {
            throw new IllegalArgumentException(where + ": the time must be greater than 0");
        }
        return duration;
    }

    private static int number(String where, String value, int minimum) {
        int number;
        try {
            number = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": bad numerical value \"" + value + "\"", e);
        }
        if (number < minimum) {
            throw new IllegalArgumentException(where + ": the value must be at least " + minimum + ", not " + number);
        }
        return number;
    }
}
