package dev.postern.mailets;

import javax.inject.Inject;

import org.apache.james.domainlist.api.DomainList;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.user.api.UsersRepository;

import dev.postern.PosternEnvironment;
import dev.postern.queue.QueueIdGenerator;

/**
 * The queue manager under the name it had before it moved to {@link dev.postern.qmgr.QueueManager}:
 * a {@code conf/mailetcontainer.xml} written for an earlier Postern names this class, and must go on
 * loading unchanged. New configurations name {@code dev.postern.qmgr.QueueManager}.
 */
public class QueueManager extends dev.postern.qmgr.QueueManager {
    @Inject
    public QueueManager(UsersRepository users, DomainList domains, FileSystem fileSystem, QueueIdGenerator queueIds,
                        PosternEnvironment environment) {
        super(users, domains, fileSystem, queueIds, environment);
    }
}
