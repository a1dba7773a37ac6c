package dev.postern.app.queue;

import java.time.Instant;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.PerRecipientHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a James {@link Mail} carries besides its message, captured at enqueue time so that later changes
 * to the caller's object do not leak into the queue, and so that a retried mail comes back as it was
 * queued.
 *
 * <p>Attributes are kept as James's own JSON form ({@link AttributeValue#toJson()}), the one James's
 * distributed queues use. An attribute James cannot serialize (a plain {@code Serializable} or an
 * arbitrary object) cannot survive a restart; it is dropped with a warning at enqueue, rather than kept
 * in memory only, so that a mail behaves the same before and after a crash.
 */
record MailSnapshot(String name,
                    Optional<String> state,
                    MaybeSender sender,
                    List<MailAddress> recipients,
                    Optional<String> remoteHost,
                    Optional<String> remoteAddr,
                    Optional<String> errorMessage,
                    Optional<Instant> lastUpdated,
                    Map<String, JsonNode> attributes,
                    Map<MailAddress, List<PerRecipientHeaders.Header>> perRecipientHeaders) {
    private static final Logger LOGGER = LoggerFactory.getLogger(MailSnapshot.class);

    MailSnapshot {
        recipients = List.copyOf(recipients);
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        LinkedHashMap<MailAddress, List<PerRecipientHeaders.Header>> headers = new LinkedHashMap<>();
        perRecipientHeaders.forEach((recipient, list) -> headers.put(recipient, List.copyOf(list)));
        perRecipientHeaders = Collections.unmodifiableMap(headers);
    }

    static MailSnapshot of(Mail mail) {
        Map<String, JsonNode> attributes = new LinkedHashMap<>();
        mail.attributes().forEach(attribute -> {
            String name = attribute.getName().asString();
            // kept as James's JSON tree: printing each to a string here cost a JSON writer per attribute
            Optional<JsonNode> json = attribute.getValue().toJson();
            if (json.isPresent()) {
                attributes.put(name, json.get());
            } else {
                LOGGER.warn("Mail {}: attribute {} has no JSON form ({}) and is not queued",
                    mail.getName(), name, attribute.getValue().value().getClass().getName());
            }
        });
        Map<MailAddress, List<PerRecipientHeaders.Header>> headers = new LinkedHashMap<>();
        Optional.ofNullable(mail.getPerRecipientSpecificHeaders()).ifPresent(perRecipient ->
            perRecipient.getHeadersByRecipient().asMap()
                .forEach((recipient, list) -> headers.put(recipient, List.copyOf(list))));
        return new MailSnapshot(
            mail.getName(),
            Optional.ofNullable(mail.getState()),
            mail.getMaybeSender(),
            Optional.ofNullable(mail.getRecipients()).map(List::<MailAddress>copyOf).orElse(List.of()),
            Optional.ofNullable(mail.getRemoteHost()),
            Optional.ofNullable(mail.getRemoteAddr()),
            Optional.ofNullable(mail.getErrorMessage()),
            Optional.ofNullable(mail.getLastUpdated()).map(Date::toInstant),
            attributes,
            headers);
    }

    /** A new James mail with these fields and no message yet. */
    MailImpl toMail() {
        MailImpl.Builder builder = MailImpl.builder()
            .name(name)
            .sender(sender)
            .addRecipients(recipients)
            .state(state.orElse(null))
            .remoteHost(remoteHost.orElse(null))
            .remoteAddr(remoteAddr.orElse(null))
            .errorMessage(errorMessage.orElse(null))
            .lastUpdated(lastUpdated.map(Date::from).orElse(null));
        attributes.forEach((attributeName, json) -> decodeAttribute(attributeName, json).ifPresent(builder::addAttribute));
        perRecipientHeaders.forEach((recipient, headers) ->
            headers.forEach(header -> builder.addHeaderForRecipient(header, recipient)));
        return builder.build();
    }

    private Optional<Attribute> decodeAttribute(String attributeName, JsonNode json) {
        try {
            return Optional.of(new Attribute(AttributeName.of(attributeName), AttributeValue.fromJson(json)));
        } catch (RuntimeException e) {
            // A serializer that is no longer on the class path; the rest of the mail is still deliverable.
            LOGGER.warn("Mail {}: cannot restore attribute {} from {}", name, attributeName, json, e);
            return Optional.empty();
        }
    }

    boolean hasRecipient(String address) {
        return recipients.stream().map(MailAddress::asString).anyMatch(address::equals);
    }

    /** Matches the null sender as {@code ""} or {@code "<>"}, as operators type it. */
    boolean hasSender(String address) {
        if (sender.isNullSender()) {
            return address.isEmpty() || address.equals("<>");
        }
        return sender.asString().equals(address);
    }
}
