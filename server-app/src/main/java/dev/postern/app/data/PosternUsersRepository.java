package dev.postern.app.data;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.core.Username;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.user.api.UsersRepositoryException;
import org.apache.james.user.lib.UsersDAO;
import org.apache.james.user.lib.UsersRepositoryImpl;

/**
 * James's users repository over {@link FileUsersDAO} or {@link SqlUsersDAO} that will not answer "no such user" before it is
 * configured. Until {@code configure} has run, James's repository takes every name as a user without
 * virtual hosting: {@code bob@host} is looked up as {@code bob}, is not found, and local delivery would
 * bounce the mail {@code 5.1.1 unknown user}. Here a lookup made that early fails instead, and a failed
 * lookup defers ({@code 4.3.0}), at RCPT and in delivery alike (docs/tables.md: lookup failure is not
 * permission, nothing lost).
 */
public class PosternUsersRepository extends UsersRepositoryImpl<UsersDAO> {
    private volatile boolean configured;

    public PosternUsersRepository(DomainList domainList, UsersDAO dao) {
        super(domainList, dao);
    }

    @Override
    public void configure(HierarchicalConfiguration<ImmutableNode> configuration) throws ConfigurationException {
        super.configure(configuration);
        configured = true;
    }

    @Override
    public boolean contains(Username name) throws UsersRepositoryException {
        if (!configured) {
            throw new UsersRepositoryException("users repository not configured yet (server starting): cannot look up "
                + name.asString());
        }
        return super.contains(name);
    }
}
