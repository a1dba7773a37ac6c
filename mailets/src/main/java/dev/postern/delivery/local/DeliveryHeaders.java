package dev.postern.delivery.local;

import java.nio.charset.StandardCharsets;

/**
 * The headers local(8) prepends to a delivered message, in Postfix's order: {@code Return-Path:}
 * (the envelope sender, {@code <>} for the null sender), {@code X-Original-To:} (the recipient the
 * sender wrote, before aliasing and virtual alias expansion) and {@code Delivered-To:} (the final
 * recipient, which the loop check looks for on the next delivery).
 */
public record DeliveryHeaders(String sender, String originalRecipient, String deliveredTo) {

    /** The three header lines, each ending in {@code lineEnd} ({@code \r\n} for Maildir, {@code \n} for mbox). */
    public byte[] bytes(String lineEnd) {
        return ("Return-Path: <" + sender + ">" + lineEnd
            + "X-Original-To: " + originalRecipient + lineEnd
            + "Delivered-To: " + deliveredTo + lineEnd).getBytes(StandardCharsets.UTF_8);
    }
}
