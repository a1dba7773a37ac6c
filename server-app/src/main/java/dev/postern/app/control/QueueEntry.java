package dev.postern.app.control;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One queued message as the queue listing shows it, in the field names of {@code postqueue -j}: the
 * server sends these and the command line prints them, so both ends agree on one shape.
 *
 * @param queueName   {@code active} (due now or being delivered), {@code deferred} (waiting for its next
 *                    attempt) or {@code hold} (kept aside until released)
 * @param arrivalTime seconds since the epoch
 * @param sender      empty for the null sender, as in Postfix's JSON
 */
@JsonPropertyOrder({"queue_name", "queue_id", "arrival_time", "message_size", "sender", "recipients"})
public record QueueEntry(@JsonProperty("queue_name") String queueName,
                         @JsonProperty("queue_id") String queueId,
                         @JsonProperty("arrival_time") long arrivalTime,
                         @JsonProperty("message_size") long messageSize,
                         @JsonProperty("sender") String sender,
                         @JsonProperty("recipients") List<Recipient> recipients) {
    public static final String ACTIVE = "active";
    public static final String DEFERRED = "deferred";
    public static final String HOLD = "hold";

    public QueueEntry {
        recipients = List.copyOf(recipients);
    }

    /**
     * @param delayReason why delivery to this recipient is late; null (and left out of the JSON, as
     *                    Postfix does) when nothing has failed yet
     */
    @JsonPropertyOrder({"address", "delay_reason"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Recipient(@JsonProperty("address") String address,
                            @JsonProperty("delay_reason") String delayReason) {
        public Optional<String> reason() {
            return Optional.ofNullable(delayReason);
        }
    }
}
