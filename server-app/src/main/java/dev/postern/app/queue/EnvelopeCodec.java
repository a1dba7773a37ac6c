package dev.postern.app.queue;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.mail.internet.AddressException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.mailet.PerRecipientHeaders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads and writes envelopes (the body of a PUT record, see {@link JournalRecord}). An envelope is one JSON object in UTF-8, small enough to rewrite
 * whole, readable with {@code cat} or {@code jq} when an operator needs to look:
 *
 * <pre>
 * {
 *   "format": 1,
 *   "content": "0190c3f2a1b4-00000007-5e1f0c2a9d3b",   the CONTENT record's id; absent: no message
 *   "enqueuedAt": "2024-07-01T10:15:30.123Z",          ISO-8601 instants, millisecond precision
 *   "nextDelivery": "2024-07-01T10:15:30.123Z",        not handed out before this
 *   "attempts": 0,                                     times given back with RETRY
 *   "name": "3F2A1B4C5D",                              Mail.getName()
 *   "state": "root",                                   Mail.getState(); absent: null
 *   "sender": "alice@example.com",                     absent: the null sender &lt;&gt;
 *   "recipients": ["bob@example.net"],
 *   "remoteHost": "client.example.com",                absent: null
 *   "remoteAddr": "192.0.2.1",                         absent: null
 *   "errorMessage": "...",                             absent: null
 *   "lastUpdated": "2024-07-01T10:15:30.120Z",         absent: null
 *   "attributes": { "name": {"serializer": "StringSerializer", "value": "v"} },
 *                                                      James's AttributeValue.toJson(), as its
 *                                                      distributed queues store them
 *   "perRecipientHeaders": { "bob@example.net": [ {"name": "X-A", "value": "1"} ] }
 * }
 * </pre>
 *
 * ESMTP DSN parameters (RFC 3461 RET, ENVID, and each recipient's NOTIFY and ORCPT) are attributes of
 * the mail ({@code dsn-envid}, {@code dsn-ret}, {@code dsn-notify}, {@code dsn-orcpt}, as
 * {@code Mail.setDsnParameters} writes them) and are kept with the other attributes, so a message
 * queued with DSN still has them after a restart and the format stays 1; an envelope written without
 * them reads back as a mail without DSN parameters.
 *
 * <p>The envelope's id is in the PUT record and is not repeated inside. Unknown fields are ignored so that a
 * newer writer's envelopes stay readable; a different {@code format} number is refused.
 */
final class EnvelopeCodec {
    static final int FORMAT = 1;

    private final ObjectMapper mapper = new ObjectMapper();

    byte[] encode(Envelope envelope) throws IOException {
        ObjectNode root = mapper.createObjectNode();
        MailSnapshot mail = envelope.mail();
        root.put("format", FORMAT);
        envelope.contentId().ifPresent(id -> root.put("content", id));
        root.put("enqueuedAt", envelope.enqueuedAt().toString());
        root.put("nextDelivery", envelope.nextDelivery().toString());
        root.put("attempts", envelope.attempts());
        root.put("name", mail.name());
        mail.state().ifPresent(state -> root.put("state", state));
        mail.sender().asOptional().ifPresent(sender -> root.put("sender", sender.asString()));
        ArrayNode recipients = root.putArray("recipients");
        mail.recipients().forEach(recipient -> recipients.add(recipient.asString()));
        mail.remoteHost().ifPresent(host -> root.put("remoteHost", host));
        mail.remoteAddr().ifPresent(addr -> root.put("remoteAddr", addr));
        mail.errorMessage().ifPresent(message -> root.put("errorMessage", message));
        mail.lastUpdated().ifPresent(lastUpdated -> root.put("lastUpdated", lastUpdated.toString()));
        ObjectNode attributes = root.putObject("attributes");
        // Each value is James's JSON tree (MailSnapshot), written out with the rest in one pass.
        mail.attributes().forEach(attributes::set);
        ObjectNode headers = root.putObject("perRecipientHeaders");
        mail.perRecipientHeaders().forEach((recipient, list) -> {
            ArrayNode array = headers.putArray(recipient.asString());
            list.forEach(header -> array.addObject().put("name", header.getName()).put("value", header.getValue()));
        });
        return mapper.writeValueAsBytes(root);
    }

    /** @throws IOException naming what is wrong, when the bytes are not a readable envelope */
    Envelope decode(String id, byte[] bytes) throws IOException {
        JsonNode root = mapper.readTree(bytes);
        if (root == null || !root.isObject()) {
            throw new IOException("envelope " + id + " is not a JSON object");
        }
        int format = root.path("format").asInt(-1);
        if (format != FORMAT) {
            throw new IOException("envelope " + id + " has format " + root.path("format") + ", expected " + FORMAT);
        }
        try {
            MailSnapshot mail = new MailSnapshot(
                required(root, "name", id).asText(),
                optionalText(root, "state"),
                optionalText(root, "sender").map(sender -> MaybeSender.of(address(sender, id))).orElse(MaybeSender.nullSender()),
                addresses(required(root, "recipients", id), id),
                optionalText(root, "remoteHost"),
                optionalText(root, "remoteAddr"),
                optionalText(root, "errorMessage"),
                optionalText(root, "lastUpdated").map(Instant::parse),
                attributes(root.path("attributes")),
                headers(root.path("perRecipientHeaders"), id));
            return new Envelope(id,
                optionalText(root, "content"),
                mail,
                Instant.parse(required(root, "enqueuedAt", id).asText()),
                Instant.parse(required(root, "nextDelivery", id).asText()),
                root.path("attempts").asInt(0));
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw new IOException("envelope " + id + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode required(JsonNode root, String field, String id) throws IOException {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw new IOException("envelope " + id + " has no " + field);
        }
        return node;
    }

    private static Optional<String> optionalText(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        return Optional.of(node.asText());
    }

    private static List<MailAddress> addresses(JsonNode array, String id) throws IOException {
        if (!array.isArray()) {
            throw new IOException("envelope " + id + ": recipients is not an array");
        }
        List<MailAddress> addresses = new ArrayList<>();
        for (JsonNode node : array) {
            addresses.add(address(node.asText(), id));
        }
        return addresses;
    }

    private static MailAddress address(String text, String id) {
        try {
            return new MailAddress(text);
        } catch (AddressException e) {
            throw new IllegalArgumentException("bad address " + text + " in envelope " + id, e);
        }
    }

    private static Map<String, JsonNode> attributes(JsonNode object) {
        Map<String, JsonNode> attributes = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            attributes.put(field.getKey(), field.getValue());
        }
        return attributes;
    }

    private static Map<MailAddress, List<PerRecipientHeaders.Header>> headers(JsonNode object, String id) {
        Map<MailAddress, List<PerRecipientHeaders.Header>> headers = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            List<PerRecipientHeaders.Header> list = new ArrayList<>();
            for (JsonNode header : field.getValue()) {
                list.add(PerRecipientHeaders.Header.builder()
                    .name(header.path("name").asText())
                    .value(header.path("value").asText())
                    .build());
            }
            headers.put(address(field.getKey(), id), list);
        }
        return headers;
    }
}
