package dev.postern.app.postscreen;

import org.apache.james.utils.InitializationOperation;
import org.apache.james.utils.InitilizationOperationBuilder;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.ProvidesIntoSet;

import dev.postern.app.PosternHome;
import dev.postern.app.modules.MainCfConfigurationProvider;
import dev.postern.dns.DnsLookup;
import dev.postern.log.MailLog;
import dev.postern.tables.TableRegistry;

/** postscreen(8) in front of the listeners master.cf or smtpserver.xml names (docs/postscreen.md). */
public class PostscreenModule extends AbstractModule {
    @Provides
    @Singleton
    PostscreenService postscreenService(MainCfConfigurationProvider provider, TableRegistry tables, DnsLookup dns,
                                        MailLog log, PosternHome home) {
        return new PostscreenService(provider, tables, dns, log, home);
    }

    @ProvidesIntoSet
    InitializationOperation startPostscreen(PostscreenService service) {
        return InitilizationOperationBuilder.forClass(PostscreenService.class).init(service::start);
    }
}
