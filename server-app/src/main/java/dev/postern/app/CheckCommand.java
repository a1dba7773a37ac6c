package dev.postern.app;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.server.core.configuration.Configuration;
import org.apache.james.server.core.configuration.FileConfigurationProvider;
import org.apache.james.server.core.filesystem.FileSystemImpl;
import org.apache.james.user.api.UsersRepository;

import dev.postern.app.modules.MainCfConfigurationProvider.ListenerSetup;
import dev.postern.app.modules.MainCfConfigurationProvider;
import dev.postern.app.modules.PosternDataModule;
import dev.postern.app.tls.TlsIdentity;
import dev.postern.cleanup.ContentChecks;
import dev.postern.config.ComponentParameters;
import dev.postern.config.ConfigException;
import dev.postern.config.ConfigWarnings;
import dev.postern.config.MainCf;
import dev.postern.log.MailLog;
import dev.postern.smtpd.HookEnvironment;
import dev.postern.smtpd.SmtpdPolicy;
import dev.postern.tables.TableRegistry;

/**
 * {@code postern check}: builds what the server builds from its configuration at start, without
 * starting anything, binding a port, connecting anywhere or writing a file, so that an operator can
 * validate a change before a start or reload: main.cf, the listeners of smtpserver.xml and master.cf
 * with their overrides, the restriction lists, the header and body checks, the TLS files, every table
 * of every {@code *_maps} parameter ({@link TableParameterCheck}), master.cf's transports
 * ({@link MasterCfCheck}), and, through the server's own Guice bindings and James's loaders, every
 * listener's handler chain and every matcher and mailet of mailetcontainer.xml with its init (the
 * queue manager's routing and smtp client, the cleanup mailets' tables...: {@link AssemblyCheck}). Every problem found is one {@code postern: fatal:}
 * line naming where it is, and all of them are reported in one run; the status is 1 if there was
 * any. Warnings ({@link Problem} of severity WARNING) come first as {@code postern: warning:} lines
 * and do not change the status.
 *
 * <p>{@code run} makes the same check first ({@link #beforeStart}), so that a start that would fail
 * names every problem at once; it leaves out the handler chains and the pipeline, which the start
 * loads next through the same loaders.
 */
public final class CheckCommand {
    /** The component name in parameter errors; no override is passed, so it is rarely seen. */
    private static final String COMPONENT = "postern check";
    /** The restriction lists that can be checked one at a time; see separateListProblems. */
    private static final List<String> SEPARABLE_LISTS = List.of("smtpd_client_restrictions", "smtpd_helo_restrictions",
        "smtpd_sender_restrictions", "smtpd_data_restrictions", "smtpd_end_of_data_restrictions");

    private final PosternHome home;
    private final PrintStream out;
    private final PrintStream err;

    public CheckCommand(PosternHome home, PrintStream out, PrintStream err) {
        this.home = home;
        this.out = out;
        this.err = err;
    }

    public int run(List<String> arguments) {
        if (!arguments.isEmpty()) {
            throw new IllegalArgumentException("check takes no arguments; " + CommandLine.USAGE);
        }
        List<Problem> findings = findings(true);
        findings.forEach(problem -> err.println(problem.line()));
        if (findings.stream().anyMatch(Problem::isError)) {
            return 1;
        }
        out.println("postern: check: configuration OK");
        return 0;
    }

    /**
     * What a start checks before it assembles the server, for {@code run}: the same findings as
     * {@code check} without the handler chains and the pipeline, which the start itself loads
     * next, through the same loaders.
     */
    static List<Problem> beforeStart(PosternHome home) {
        return new CheckCommand(home, System.out, System.err).findings(false);
    }

    /**
     * Every finding: the warnings first (what the server warns of at start), then the errors in
     * the order the server would meet them. Other checks that only warn (unused parameters, table
     * lines skipped) belong in {@link #warnings()}.
     */
    List<Problem> findings(boolean assembly) {
        List<Problem> findings = new ArrayList<>();
        warnings().forEach(warning -> findings.add(Problem.warning(warning)));
        Checked checked = checked(assembly);
        // (the rules of pattern tables skipped as Postfix skips them are the tables' own log lines)
        checked.masterCfWarnings().forEach(warning -> findings.add(Problem.warning(warning)));
        checked.problems().forEach(problem -> findings.add(Problem.error(problem)));
        return List.copyOf(findings);
    }

    /** The problems found, and the warnings of master.cf's services. */
    private record Checked(List<String> problems, List<String> masterCfWarnings) {
    }

    /**
     * What the server warns of at start ({@link ConfigWarnings}): settings that work but hurt others.
     * None when main.cf does not load; {@link #problems()} reports that.
     */
    List<String> warnings() {
        try {
            return ConfigWarnings.of(MainCf.load(home.mainCf(), System.getenv()));
        } catch (ConfigException e) {
            return List.of();
        }
    }

    List<String> problems() {
        return checked(true).problems();
    }

    /**
     * Every problem, in the order the server would meet them; each one once. With {@code assembly},
     * also the handler chains and the mail pipeline ({@link AssemblyCheck}); a problem found there
     * that repeats one already found is left out.
     */
    private Checked checked(boolean assembly) {
        MainCf mainCf;
        try {
            mainCf = MainCf.load(home.mainCf(), System.getenv());
        } catch (ConfigException e) {
            // nothing else can be checked without the parameters
            return new Checked(List.of(e.getMessage()), List.of());
        }
        MasterCfCheck.Found masterCf = new MasterCfCheck(home).check(mainCf);
        try (TableRegistry tables = new TableRegistry(home.home())) {
            List<String> problems = problems(mainCf, tables, masterCf.errors(), assembly);
            return new Checked(problems, masterCf.warnings());
        }
    }

    private List<String> problems(MainCf mainCf, TableRegistry tables, List<String> masterCfProblems, boolean assembly) {
        HookEnvironment environment = new HookEnvironment(mainCf, MailLog.from(mainCf));
        environment.setTables(tables);
        environment.setAddressVerifier(OfflineVerifier.INSTANCE);
        Optional<String> domainList = domainListProblem(mainCf);
        Set<String> problems = new LinkedHashSet<>(domainList.stream().toList());
        problems.addAll(parameterProblems(mainCf, environment));
        // what a later problem may repeat inside its own message, to be said once
        List<String> causes = new ArrayList<>(problems);
        Map<String, String> badParameters = new LinkedHashMap<>();
        for (TableParameterCheck.Found found : new TableParameterCheck(tables).problems(mainCf, home)) {
            problems.add(found.text());
            causes.add(found.cause());
            badParameters.put(found.parameter(), "");
        }
        // what the domain list refused is reported; the assembly is checked with Postfix's defaults instead
        domainList.filter(problem -> problem.contains("myorigin:")).ifPresent(problem ->
            badParameters.put("myorigin", "$myhostname"));
        domainList.filter(problem -> problem.contains("mydestination:")).ifPresent(problem ->
            badParameters.put("mydestination", "$myhostname, localhost.$mydomain, localhost"));
        // master.cf's transports; its listeners come next, with smtpserver.xml
        problems.addAll(masterCfProblems);
        causes.addAll(masterCfProblems);
        Set<String> mainCfProblems = Set.copyOf(problems);
        Set<String> running = new LinkedHashSet<>();
        for (ListenerSetup listener : listeners(mainCf, problems)) {
            if (!listener.runs()) {
                continue;
            }
            running.add(listener.name());
            for (String problem : listenerProblems(listener, environment)) {
                // a problem of main.cf shows again in every listener that inherits it: say it once
                if (!mainCfProblems.contains(problem)) {
                    problems.add("smtpserver.xml: listener " + listener.name() + ": " + problem);
                    causes.add(problem);
                }
            }
        }
        if (assembly) {
            causes.addAll(problems);
            assemblyProblems(mainCf, badParameters, running).stream()
                .filter(problem -> causes.stream().noneMatch(problem::contains))
                .forEach(problems::add);
        }
        return List.copyOf(problems);
    }

    /** The domain list takes mydestination's names and myorigin as they are; a table or a file there it refuses. */
    private Optional<String> domainListProblem(MainCf mainCf) {
        try {
            PosternDataModule.makeDomainList(mainCf, home);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(message(e));
        }
    }

    /**
     * The handler chains and the pipeline, built with the parameters already found bad replaced
     * (tables emptied, myorigin and mydestination at Postfix's defaults): a component stops at its
     * first problem, and one already reported must not hide the next one (the queue manager opens
     * transport_maps before it reads the smtp client's TLS level; every mailet needs the domain list).
     */
    private List<String> assemblyProblems(MainCf mainCf, Map<String, String> badParameters, Set<String> running) {
        MainCf withoutBadTables;
        try {
            withoutBadTables = badParameters.isEmpty() ? mainCf : mainCf.withOverrides(badParameters, COMPONENT);
        } catch (ConfigException e) {
            withoutBadTables = mainCf;
        }
        return new AssemblyCheck(home, withoutBadTables).problems(running);
    }

    private List<ListenerSetup> listeners(MainCf mainCf, Set<String> problems) {
        Configuration configuration = new Configuration.Basic(
            new Configuration.ConfigurationPath("file://conf/"), new PosternDirectories(home));
        FileConfigurationProvider files = new FileConfigurationProvider(
            new FileSystemImpl(configuration.directories()), configuration);
        try {
            return new MainCfConfigurationProvider(files, mainCf, home).listenerSetups(problems::add);
        } catch (ConfigurationException e) {
            // a master.cf that does not parse names itself (and is already reported by MasterCfCheck)
            problems.add(e.getCause() instanceof ConfigException ? e.getMessage()
                : home.conf().resolve("smtpserver.xml") + ": " + e.getMessage());
            return List.of();
        }
    }

    /** The restriction lists and the header/body checks of one set of parameters, with their tables. */
    private static List<String> parameterProblems(MainCf parameters, HookEnvironment environment) {
        List<String> problems = new ArrayList<>();
        ComponentParameters component;
        try {
            component = ComponentParameters.of(parameters, name -> Optional.empty(), COMPONENT);
        } catch (ConfigException e) {
            return List.of(e.getMessage());
        }
        policyProblem(component, environment).ifPresent(problem -> {
            problems.add(problem);
            problems.addAll(separateListProblems(parameters, environment));
        });
        try {
            ContentChecks.open(component::list, environment::openTable, component.number("body_checks_size_limit"),
                Math.toIntExact(component.number("header_size_limit")));
        } catch (RuntimeException e) {
            problems.add(message(e));
        }
        return problems;
    }

    /** The restriction lists built as the server builds them; it stops at the first problem. */
    private static Optional<String> policyProblem(ComponentParameters parameters, HookEnvironment environment) {
        try {
            SmtpdPolicy.of(parameters, environment, unavailable(DomainList.class), unavailable(UsersRepository.class));
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.of(message(e));
        }
    }

    /**
     * After a first problem, each list that the relay decision does not depend on is built again
     * with the others of its kind emptied, so that a problem in a later list is not hidden by an
     * earlier one. The relay and recipient lists are kept as they are: emptying one could make
     * the other look unsafe. A problem found this way again is the same text, said once.
     */
    private static List<String> separateListProblems(MainCf parameters, HookEnvironment environment) {
        List<String> problems = new ArrayList<>();
        for (String list : SEPARABLE_LISTS) {
            Map<String, String> others = new LinkedHashMap<>();
            SEPARABLE_LISTS.stream().filter(other -> !other.equals(list)).forEach(other -> others.put(other, ""));
            try {
                ComponentParameters alone = ComponentParameters.of(parameters.withOverrides(others, COMPONENT),
                    name -> Optional.empty(), COMPONENT);
                policyProblem(alone, environment).ifPresent(problems::add);
            } catch (ConfigException e) {
                problems.add(e.getMessage());
            }
        }
        return problems;
    }

    private List<String> listenerProblems(ListenerSetup listener, HookEnvironment environment) {
        List<String> problems = new ArrayList<>(parameterProblems(listener.mainCf(), environment));
        tlsProblem(listener.mainCf()).ifPresent(problems::add);
        return problems;
    }

    /**
     * The configured key and certificate must be readable PEM or PKCS#12. With none configured
     * the server makes a self-signed pair under var/tls at start; check writes nothing, so
     * there is nothing to check then.
     */
    private Optional<String> tlsProblem(MainCf listenerCf) {
        try {
            if (!MainCfConfigurationProvider.usesTls(listenerCf) || listenerCf.get("smtpd_tls_cert_file").isBlank()) {
                return Optional.empty();
            }
            TlsIdentity.of(listenerCf, home.home(), home.var().resolve("tls"));
            return Optional.empty();
        } catch (ConfigurationException | ConfigException | RuntimeException e) {
            return Optional.of(message(e));
        }
    }

    /** The message itself, or the exception's class when it has none (a bug, not a configuration problem). */
    private static String message(Exception e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    /**
     * The domain list and the users are only asked while mail is received (is this domain
     * ours? does this user exist?), never while the lists are built; check has neither, and
     * one that is asked anyway fails loudly so that the gap cannot go unnoticed.
     */
    static <T> T unavailable(Class<T> type) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) ->
            switch (method.getName()) {
                case "toString" -> "unavailable " + type.getSimpleName();
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> throw new UnsupportedOperationException("postern check has no " + type.getSimpleName()
                    + " and cannot answer " + method.getName() + "; it is only used while mail is received");
            }));
    }
}
