package dev.postern.cleanup;

/**
 * The limits that keep the memory of one message bounded whatever the shape of its header, applied
 * by {@link HeaderLimiter} while the message streams in.
 *
 * @param headerSizeLimit       Postfix's {@code header_size_limit}: bytes of one logical (folded)
 *                              header; the excess is discarded
 * @param hopcountLimit         Postfix's {@code hopcount_limit}: this many {@code Received:} headers
 *                              in the primary header (the server's own included) refuse the message
 * @param addressTokenLimit     Postfix's {@code header_address_token_limit}: tokens of one address
 *                              header; the excess is discarded
 * @param headerBlockSizeLimit  {@code postern_header_block_size_limit}: bytes of the whole primary
 *                              header, which Postern's mail pipeline holds in memory (Postfix never
 *                              does); a larger header refuses the message
 */
public record HeaderLimits(int headerSizeLimit, int hopcountLimit, int addressTokenLimit, long headerBlockSizeLimit) {
    public HeaderLimits {
        positive("header_size_limit", headerSizeLimit);
        positive("hopcount_limit", hopcountLimit);
        positive("header_address_token_limit", addressTokenLimit);
        positive("postern_header_block_size_limit", headerBlockSizeLimit);
    }

    private static void positive(String parameter, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(parameter + " must be a positive number, not " + value);
        }
    }
}
