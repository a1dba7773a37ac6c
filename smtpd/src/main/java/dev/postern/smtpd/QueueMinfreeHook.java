package dev.postern.smtpd;

import java.io.File;
import java.io.IOException;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MaybeSender;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.MailHook;

import dev.postern.config.ComponentParameters;

/**
 * Refuses MAIL FROM with {@code 452 4.3.1 Insufficient system storage} when the file
 * system holding the queue has less free space than Postfix requires: {@code queue_minfree},
 * and at least 1.5 times {@code message_size_limit}. Refusing before the data is sent
 * keeps a full disk from turning into lost mail or a hung session.
 */
public class QueueMinfreeHook implements MailHook {
    private final FileSystem fileSystem;
    private final HookEnvironment environment;
    private File queueDirectory;
    private long requiredBytes;

    @Inject
    public QueueMinfreeHook(FileSystem fileSystem, HookEnvironment environment) {
        this.fileSystem = fileSystem;
        this.environment = environment;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        ComponentParameters parameters = environment.parameters(config, this);
        long minfree = parameters.number("queue_minfree");
        long sizeLimit = parameters.number("message_size_limit");
        requiredBytes = Math.max(minfree, sizeLimit + sizeLimit / 2);
        try {
            queueDirectory = fileSystem.getFile(config.getString("queueDirectory", "file://var/queue"));
        } catch (IOException e) {
            throw new ConfigurationException("QueueMinfreeHook: cannot resolve the queue directory: " + e.getMessage(), e);
        }
    }

    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        if (availableBytes() >= requiredBytes) {
            return HookResult.DECLINED;
        }
        return FixedReply.INSUFFICIENT_STORAGE.hookResult();
    }

    private long availableBytes() {
        File existing = queueDirectory;
        while (existing != null && !existing.exists()) {
            existing = existing.getParentFile();
        }
        return existing == null ? 0 : existing.getUsableSpace();
    }
}
