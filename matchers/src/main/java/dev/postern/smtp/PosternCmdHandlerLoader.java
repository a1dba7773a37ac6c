package dev.postern.smtp;

import java.util.List;
import java.util.stream.Stream;

import org.apache.james.protocols.lib.handler.HandlersPackage;
import org.apache.james.smtpserver.AuthRequiredToRelayRcptHook;
import org.apache.james.smtpserver.CoreCmdHandlerLoader;

/**
 * James's core SMTP handlers with Postern's relay decision in place of James's:
 * {@link RelayRestrictionHook} replaces {@code AuthRequiredToRelayRcptHook} at the same
 * position, and {@link QueueMinfreeHook} guards MAIL FROM. Named as the
 * {@code coreHandlersPackage} of each handler chain in smtpserver.xml.
 */
public class PosternCmdHandlerLoader implements HandlersPackage {
    private final List<String> handlers = new CoreCmdHandlerLoader().getHandlers().stream()
        .flatMap(PosternCmdHandlerLoader::replace)
        .toList();

    @Override
    public List<String> getHandlers() {
        return handlers;
    }

    private static Stream<String> replace(String handler) {
        if (handler.equals(AuthRequiredToRelayRcptHook.class.getName())) {
            return Stream.of(QueueMinfreeHook.class.getName(), RelayRestrictionHook.class.getName());
        }
        return Stream.of(handler);
    }
}
