package dev.postern.milter;

import java.io.IOException;

/** A filter that cannot be reached, times out, or breaks the protocol: milter_default_action applies. */
public class MilterException extends IOException {
    public MilterException(String message) {
        super(message);
    }

    public MilterException(String message, Throwable cause) {
        super(message, cause);
    }
}
