package dev.postern.app.modules;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import javax.inject.Named;
import javax.inject.Singleton;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.CoreDataModule;
import org.apache.james.UserEntityValidator;
import org.apache.james.core.Domain;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.lifecycle.api.Configurable;
import org.apache.james.mailbox.Authorizator;
import org.apache.james.mailrepository.api.MailRepositoryUrlStore;
import org.apache.james.mailrepository.api.Protocol;
import org.apache.james.mailrepository.file.FileMailRepository;
import org.apache.james.mailrepository.memory.MailRepositoryStoreConfiguration;
import org.apache.james.rrt.api.AliasReverseResolver;
import org.apache.james.rrt.api.CanSendFrom;
import org.apache.james.rrt.api.RecipientRewriteTable;
import org.apache.james.rrt.lib.AliasReverseResolverImpl;
import org.apache.james.rrt.lib.CanSendFromImpl;
import org.apache.james.rrt.memory.MemoryRecipientRewriteTable;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.user.lib.UsersDAO;
import org.apache.james.user.lib.UsersRepositoryImpl;
import org.apache.james.utils.InitializationOperation;
import org.apache.james.utils.InitilizationOperationBuilder;

import com.google.common.collect.ImmutableList;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.multibindings.ProvidesIntoSet;

import dev.postern.app.PosternHome;
import dev.postern.app.data.FileMailRepositoryUrlStore;
import dev.postern.app.data.FileUsersDAO;
import dev.postern.app.data.NoDelegationAuthorizator;
import dev.postern.app.data.PosternDomainList;
import dev.postern.app.data.PosternUsersRepository;
import dev.postern.app.data.SqlDomainList;
import dev.postern.app.data.SqlUsersDAO;
import dev.postern.config.ConfigException;
import dev.postern.config.MainCf;
import dev.postern.tables.sql.SqlDatabase;

/**
 * Users, domains and mail repositories, on local disk under {@code var/} by default (the embedded
 * default needs no database engine); users and domains in a database every node shares when
 * {@code postern_users_database} / {@code postern_domains_database} name one. James's recipient rewrite table is bound
 * (WebAdmin's routes need one) but the default pipeline does not consult it.
 */
public class PosternDataModule extends AbstractModule {
    @Override
    protected void configure() {
        install(new CoreDataModule());

        bind(MemoryRecipientRewriteTable.class).in(Scopes.SINGLETON);
        bind(RecipientRewriteTable.class).to(MemoryRecipientRewriteTable.class);
        bind(AliasReverseResolverImpl.class).in(Scopes.SINGLETON);
        bind(AliasReverseResolver.class).to(AliasReverseResolverImpl.class);
        bind(CanSendFromImpl.class).in(Scopes.SINGLETON);
        bind(CanSendFrom.class).to(CanSendFromImpl.class);
        bind(Authorizator.class).to(NoDelegationAuthorizator.class);

        bind(MailRepositoryStoreConfiguration.Item.class)
            .toProvider(() -> new MailRepositoryStoreConfiguration.Item(
                ImmutableList.of(new Protocol("file")),
                FileMailRepository.class.getName(),
                new BaseHierarchicalConfiguration()));
    }

    @Provides
    @Singleton
    DomainList domainList(MainCf mainCf, PosternHome home) {
        return makeDomainList(mainCf, home);
    }

    /**
     * The domain list as the server makes it: mydestination's names and myorigin as the default
     * domain, plus the domains added at run time (read, never written, here). Also what
     * {@code postern check} and the check a start makes first call.
     *
     * @throws IllegalArgumentException naming the parameter whose value James's domain list cannot take
     */
    public static DomainList makeDomainList(MainCf mainCf, PosternHome home) {
        Set<Domain> configured = mainCf.list("mydestination").stream()
            .map(PosternDataModule::mydestinationDomain)
            .collect(Collectors.toSet());
        Optional<SqlDatabase> database = database(mainCf, home, "postern_domains_database");
        if (database.isPresent()) {
            return new SqlDomainList(configured, myorigin(mainCf), database.get());
        }
        return new PosternDomainList(configured, myorigin(mainCf), home.var().resolve("store/domains"));
    }

    /**
     * The shared database a {@code postern_*_database} parameter names, if set; relative file names
     * are taken from the home directory, as table names are.
     *
     * @throws IllegalArgumentException naming the parameter and the file at fault
     */
    private static Optional<SqlDatabase> database(MainCf mainCf, PosternHome home, String parameter) {
        String spec = mainCf.get(parameter).trim();
        if (spec.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(SqlDatabase.open(spec, home.home(), parameter));
        } catch (ConfigException e) {
            throw new IllegalArgumentException(mainCf.origin(parameter) + ": " + e.getMessage(), e);
        }
    }

    private static Domain myorigin(MainCf mainCf) {
        try {
            return Domain.of(mainCf.get("myorigin"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(mainCf.origin("myorigin") + ": myorigin: \"" + mainCf.get("myorigin")
                + "\" is not a domain name: " + e.getMessage(), e);
        }
    }

    /**
     * James's DomainList (and so local delivery) needs the names themselves; the relay check
     * reads mydestination through the address classifier, which would accept tables, but mail
     * for a domain found only in a table would not be delivered locally: refuse it plainly.
     */
    private static Domain mydestinationDomain(String item) {
        if (item.contains(":") || item.startsWith("/") || item.startsWith("!")) {
            throw new IllegalArgumentException("mydestination: \"" + item + "\": only domain names are supported here"
                + " (lookup tables are accepted in relay_domains, virtual_alias_domains and virtual_mailbox_domains)");
        }
        return Domain.of(item.startsWith(".") ? item.substring(1) : item);
    }

    @Provides
    @Singleton
    UsersDAO usersDao(MainCf mainCf, PosternHome home) {
        return makeUsersDao(mainCf, home);
    }

    /**
     * The users of {@code postern_users_database} when it is set, else the users file under var/
     * (read at once; written only when a user is added, changed or removed).
     */
    public static UsersDAO makeUsersDao(MainCf mainCf, PosternHome home) {
        Optional<SqlDatabase> database = database(mainCf, home, "postern_users_database");
        if (database.isPresent()) {
            return new SqlUsersDAO(database.get());
        }
        return new FileUsersDAO(home.var().resolve("store/users.properties"));
    }

    /**
     * Configured here, as it is made, rather than by an initialization operation: James starts the SMTP
     * listeners and the spooler among its first operations, and a repository not yet configured would
     * answer lookups wrongly (without virtual hosting) or, guarded, with a temporary failure; so the
     * first RCPT or delivery after a start gets a real answer.
     */
    @Provides
    @Singleton
    UsersRepository usersRepository(DomainList domainList, UsersDAO dao, UserEntityValidator validator,
                                    ConfigurationProvider configurationProvider) throws ConfigurationException {
        return makeUsersRepository(domainList, dao, validator, configurationProvider);
    }

    /**
     * The users repository as the server makes it, configured at once; also what {@code postern
     * explain} asks whether a local recipient exists (it only reads the file).
     */
    public static UsersRepository makeUsersRepository(DomainList domainList, UsersDAO dao, UserEntityValidator validator,
                                                      ConfigurationProvider configurationProvider)
            throws ConfigurationException {
        UsersRepositoryImpl<UsersDAO> repository = new PosternUsersRepository(domainList, dao);
        repository.setValidator(validator);
        if (dao instanceof Configurable configurable) {
            configurable.configure(configurationProvider.getConfiguration("usersrepository"));
        }
        repository.configure(configurationProvider.getConfiguration("usersrepository"));
        return repository;
    }

    @Provides
    @Singleton
    MailRepositoryUrlStore mailRepositoryUrlStore(PosternHome home) {
        return new FileMailRepositoryUrlStore(home.var().resolve("store/mailrepositories"));
    }

    @ProvidesIntoSet
    InitializationOperation configureRrt(ConfigurationProvider configurationProvider, MemoryRecipientRewriteTable rrt) {
        return InitilizationOperationBuilder
            .forClass(MemoryRecipientRewriteTable.class)
            .init(() -> rrt.configure(configurationProvider.getConfiguration("recipientrewritetable")));
    }
}
