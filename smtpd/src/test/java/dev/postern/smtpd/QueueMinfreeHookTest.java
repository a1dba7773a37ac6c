package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.core.MaybeSender;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.config.MainCf;

/** queue_minfree: MAIL FROM is refused while the queue's file system has too little free space. */
class QueueMinfreeHookTest {
    @TempDir
    Path queue;

    private HookResult mailWith(String... mainCfLines) throws Exception {
        FileSystem fileSystem = (FileSystem) Proxy.newProxyInstance(FileSystem.class.getClassLoader(),
            new Class<?>[] {FileSystem.class}, (proxy, method, args) -> method.getName().equals("getFile")
                // a queue directory not made yet: the space of the file system it will be on counts
                ? new File(queue.toFile(), "not/yet") : null);
        QueueMinfreeHook hook = new QueueMinfreeHook(fileSystem,
            new HookEnvironment(MainCf.parse("main.cf", List.of(mainCfLines), Map.of()), null));
        hook.init(new BaseHierarchicalConfiguration());
        return hook.doMail(FakeSmtpSession.client("192.0.2.10").session(), MaybeSender.nullSender());
    }

    @Test
    void enoughSpaceLetsMailThrough() throws Exception {
        assertThat(mailWith("queue_minfree = 0", "message_size_limit = 1000")).isEqualTo(HookResult.DECLINED);
    }

    @Test
    void lessThanQueueMinfreeIsATemporaryRefusal() throws Exception {
        HookResult result = mailWith("queue_minfree = " + Long.MAX_VALUE / 2, "message_size_limit = 1000");

        assertThat(result.getResult()).isEqualTo(HookReturnCode.denySoft());
        assertThat(result.getSmtpRetCode() + " " + result.getSmtpDescription()).isEqualTo("452 4.3.1 Insufficient system storage");
    }

    @Test
    void oneAndAHalfMessageSizeLimitsAreNeededEvenWhenQueueMinfreeIsLess() throws Exception {
        long free = queue.toFile().getUsableSpace();

        assertThat(mailWith("queue_minfree = 0", "message_size_limit = " + free).getSmtpRetCode()).isEqualTo("452");
        assertThat(mailWith("queue_minfree = 0", "message_size_limit = " + free / 2)).isEqualTo(HookResult.DECLINED);
    }
}
