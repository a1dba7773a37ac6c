package dev.postern.app;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.mail.MessagingException;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.lifecycle.api.Configurable;
import org.apache.james.mailetcontainer.api.MailetLoader;
import org.apache.james.mailetcontainer.api.MatcherLoader;
import org.apache.james.mailetcontainer.impl.MailetConfigImpl;
import org.apache.james.mailetcontainer.impl.MatcherConfigImpl;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.protocols.lib.ProtocolHandlerChainImpl;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.server.core.configuration.Configuration;
import org.apache.james.server.core.configuration.FileConfigurationProvider;
import org.apache.james.smtpserver.CoreCmdHandlerLoader;
import org.apache.james.smtpserver.jmx.JMXHandlersLoader;
import org.apache.james.util.LoggingLevel;
import org.apache.james.utils.GuiceProtocolHandlerLoader;
import org.apache.mailet.Mailet;
import org.apache.mailet.MailetContext;
import org.apache.mailet.Matcher;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.ProvisionException;
import com.google.inject.TypeLiteral;

import dev.postern.config.MainCf;
import dev.postern.tables.TableRegistry;

/**
 * The part of {@code postern check} that needs the server's assembly: the handler chain of every
 * listener that runs (smtpserver.xml's {@code <handlerchain>}: the core handlers package and every
 * {@code <handler>} with its own settings) and every matcher and mailet of mailetcontainer.xml,
 * each loaded and initialised as the server does it at start, through James's loaders and the same
 * Guice bindings (so an extension jar in {@code extensions-jars/} is found as the server finds it,
 * and a mailet's init opens its tables and files, the queue manager's transport_maps, SASL
 * password maps, TLS files, aliases...). Nothing is started, nothing is bound, nothing is written:
 * the mail queue and the mail repositories, which write under {@code var/}, are {@link InertStandIn}s.
 * Every problem is reported, not only the first.
 */
final class AssemblyCheck {
    private static final Set<String> COMPOSITE_MATCHERS = Set.of("And", "Or", "Not", "Xor");
    private static final List<String> REQUIRED_PROCESSORS = List.of("root", "error");

    private final PosternHome home;
    private final MainCf mainCf;

    AssemblyCheck(PosternHome home, MainCf mainCf) {
        this.home = home;
        this.mainCf = mainCf;
    }

    /** @param listeners the jmxNames of the listeners that run */
    List<String> problems(Set<String> listeners) {
        Injector injector;
        try {
            injector = Guice.createInjector(PosternServer.module(home, mainCf, new ReadOnlyStandIns()));
        } catch (RuntimeException e) {
            return List.of("cannot assemble the server: " + describe(e));
        }
        try {
            FileConfigurationProvider files = new FileConfigurationProvider(injector.getInstance(FileSystem.class),
                injector.getInstance(Configuration.class));
            List<String> problems = new ArrayList<>(handlerChainProblems(injector, files, listeners));
            problems.addAll(pipelineProblems(injector, files));
            return problems;
        } catch (RuntimeException e) {
            // a service that the handlers and the pipeline share (the domain list, the users) cannot be made
            return List.of("cannot assemble the server: " + describe(e));
        } finally {
            injector.getInstance(TableRegistry.class).close();
        }
    }

    private static List<String> handlerChainProblems(Injector injector, FileConfigurationProvider files,
                                                     Set<String> listeners) {
        List<String> problems = new ArrayList<>();
        HierarchicalConfiguration<ImmutableNode> smtpserver;
        try {
            smtpserver = files.getConfiguration("smtpserver", LoggingLevel.ERROR);
        } catch (ConfigurationException e) {
            return List.of("smtpserver.xml: " + describe(e));
        }
        GuiceProtocolHandlerLoader loader = injector.getInstance(GuiceProtocolHandlerLoader.class);
        Set<String> seen = new HashSet<>();
        for (HierarchicalConfiguration<ImmutableNode> server : smtpserver.configurationsAt("smtpserver")) {
            String name = server.getString("jmxName", "");
            if (!listeners.contains(name)) {
                continue;
            }
            try {
                new ProtocolHandlerChainImpl(loader, server.configurationAt("handlerchain"), name,
                    CoreCmdHandlerLoader.class, JMXHandlersLoader.class).init();
            } catch (Exception e) {
                // the hooks build every listener's settings: a problem of one shows in each chain, said once
                String problem = describe(e);
                if (seen.add(problem)) {
                    problems.add("smtpserver.xml: listener " + name + ": <handlerchain>: " + problem);
                }
            }
        }
        return problems;
    }

    private static List<String> pipelineProblems(Injector injector, FileConfigurationProvider files) {
        HierarchicalConfiguration<ImmutableNode> container;
        try {
            container = files.getConfiguration("mailetcontainer", LoggingLevel.ERROR);
        } catch (ConfigurationException e) {
            return List.of("mailetcontainer.xml: " + describe(e));
        }
        List<String> problems = new ArrayList<>();
        MailetContext context = injector.getInstance(MailetContext.class);
        try {
            if (context instanceof Configurable configurable) {
                configurable.configure(container.configurationAt("context"));
            }
        } catch (ConfigurationException | RuntimeException e) {
            problems.add("mailetcontainer.xml: <context>: " + describe(e));
        }
        MailetLoader mailets = injector.getInstance(MailetLoader.class);
        MatcherLoader matchers = injector.getInstance(MatcherLoader.class);
        List<String> states = new ArrayList<>();
        for (HierarchicalConfiguration<ImmutableNode> processor : container.configurationsAt("processors.processor")) {
            String state = processor.getString("[@state]", "");
            states.add(state);
            String where = "mailetcontainer.xml: processor " + state + ": ";
            for (HierarchicalConfiguration<ImmutableNode> mailet : processor.configurationsAt("mailet")) {
                String match = mailet.getString("[@match]", "All");
                matcherProblem(processor, match, matchers, context)
                    .ifPresent(problem -> problems.add(where + "matcher " + match + ": " + problem));
                String className = mailet.getString("[@class]", "");
                mailetProblem(mailet, className, mailets, context)
                    .ifPresent(problem -> problems.add(where + "mailet " + className + ": " + problem));
            }
        }
        REQUIRED_PROCESSORS.stream().filter(state -> !states.contains(state)).forEach(state ->
            problems.add("mailetcontainer.xml: no processor \"" + state + "\"; James's mail spooler needs it"));
        return problems;
    }

    /** A matcher named by a {@code <matcher name="...">} of the processor is checked through its members. */
    private static Optional<String> matcherProblem(HierarchicalConfiguration<ImmutableNode> processor,
            String match, MatcherLoader matchers, MailetContext context) {
        for (HierarchicalConfiguration<ImmutableNode> composite : processor.configurationsAt("matcher")) {
            if (match.equals(composite.getString("[@name]"))) {
                return compositeProblem(composite, matchers, context);
            }
        }
        int equals = match.indexOf('=');
        MatcherConfigImpl config = new MatcherConfigImpl();
        config.setMatcherName(equals < 0 ? match : match.substring(0, equals));
        config.setCondition(equals < 0 ? null : match.substring(equals + 1));
        config.setMailetContext(context);
        try {
            Matcher matcher = matchers.getMatcher(config);
            matcher.destroy();
            return Optional.empty();
        } catch (MessagingException | RuntimeException e) {
            return Optional.of(describe(e));
        }
    }

    private static Optional<String> compositeProblem(HierarchicalConfiguration<ImmutableNode> composite,
            MatcherLoader matchers, MailetContext context) {
        String kind = composite.getString("[@match]", "");
        if (!COMPOSITE_MATCHERS.contains(kind)) {
            return Optional.of("composite matcher \"" + composite.getString("[@name]") + "\": match=\"" + kind
                + "\" is not one of " + COMPOSITE_MATCHERS);
        }
        for (HierarchicalConfiguration<ImmutableNode> member : composite.configurationsAt("matcher")) {
            Optional<String> problem = matcherProblem(composite, member.getString("[@match]", "All"),
                matchers, context);
            if (problem.isPresent()) {
                return problem;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> mailetProblem(HierarchicalConfiguration<ImmutableNode> element,
            String className, MailetLoader mailets, MailetContext context) {
        MailetConfigImpl config = new MailetConfigImpl();
        config.setMailetName(className);
        config.setConfiguration(element);
        config.setMailetContext(context);
        try {
            Mailet mailet = mailets.getMailet(config);
            mailet.destroy();
            return Optional.empty();
        } catch (MessagingException | RuntimeException e) {
            return Optional.of(describe(e));
        }
    }

    /**
     * The messages of the exception and its causes, each said once and on one line: James wraps
     * a mailet's own message ("Can not load mailet X") around the one that says what is wrong.
     */
    static String describe(Throwable e) {
        List<String> parts = new ArrayList<>();
        for (Throwable t = e; t != null && parts.size() < 5; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getCause() != null && (t instanceof ProvisionException || t.getCause().toString().equals(t.getMessage()))) {
                continue; // Guice's "Unable to provision", or an exception made of its cause: the cause says what
            }
            String text = t.getMessage() == null ? t.getClass().getSimpleName() : firstLine(t.getMessage());
            String message = t instanceof ClassNotFoundException ? "class not found: " + text : text;
            if (parts.stream().noneMatch(part -> part.contains(message))) {
                parts.add(message);
            }
        }
        return String.join(": ", parts);
    }

    private static String firstLine(String message) {
        String trimmed = message.strip();
        int newline = trimmed.indexOf('\n');
        return newline < 0 ? trimmed : trimmed.substring(0, newline).strip();
    }

    /** The services that would write under var/ are replaced; everything else is the server's own binding. */
    private static final class ReadOnlyStandIns extends AbstractModule {
        @Override
        protected void configure() {
            MailQueueFactory<?> queues = InertStandIn.of(MailQueueFactory.class);
            bind(new TypeLiteral<MailQueueFactory<?>>() { }).toInstance(queues);
            bind(new TypeLiteral<MailQueueFactory<? extends MailQueue>>() { }).toInstance(cast(queues));
            bind(new TypeLiteral<MailQueueFactory<? extends ManageableMailQueue>>() { }).toInstance(cast(queues));
            bind(MailRepositoryStore.class).toInstance(InertStandIn.of(MailRepositoryStore.class));
        }

        @SuppressWarnings("unchecked")
        private static <T> T cast(Object value) {
            return (T) value;
        }
    }
}
