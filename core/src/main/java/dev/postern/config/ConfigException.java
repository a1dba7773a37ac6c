package dev.postern.config;

/**
 * A configuration error that stops the server from starting.
 *
 * <p>The message is one line that starts with where the problem is, so an operator can go
 * straight to it: {@code FILE:LINE: reason} for main.cf, {@code environment variable
 * POSTERN_name: reason} for an environment override, {@code FILE: reason} when the file itself
 * cannot be read.
 */
public class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
