package dev.postern.smtpd;

import java.lang.reflect.Field;
import java.util.Optional;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolSessionImpl;
import org.apache.james.protocols.netty.NettyProtocolTransport;

import io.netty.channel.Channel;

/**
 * The Netty channel of an SMTP session, for the handlers that must work in its pipeline
 * ({@link ClientInputMeter}, {@link SmtpdTimeout}). James keeps the channel to itself
 * ({@link NettyProtocolTransport} has no accessor), so it is read from the transport's field;
 * {@link #isSupported} says whether that works with this James version.
 */
final class SessionChannel {
    private static final Optional<Field> CHANNEL_FIELD = channelField();

    private SessionChannel() {
    }

    static boolean isSupported() {
        return CHANNEL_FIELD.isPresent();
    }

    static Optional<Channel> of(ProtocolSession session) {
        if (CHANNEL_FIELD.isEmpty() || !(session instanceof ProtocolSessionImpl impl)
                || !(impl.getProtocolTransport() instanceof NettyProtocolTransport transport)) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable((Channel) CHANNEL_FIELD.get().get(transport));
        } catch (IllegalAccessException e) {
            return Optional.empty();
        }
    }

    private static Optional<Field> channelField() {
        for (Field field : NettyProtocolTransport.class.getDeclaredFields()) {
            if (Channel.class.isAssignableFrom(field.getType())) {
                try {
                    field.setAccessible(true);
                    return Optional.of(field);
                } catch (RuntimeException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }
}
