package dev.postern.bench;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import dev.postern.PosternEnvironment;
import dev.postern.address.AddressClassifier;
import dev.postern.address.AddressResolver;
import dev.postern.address.ResolvedAddress;
import dev.postern.address.ResolverParameters;
import dev.postern.config.ComponentParameters;
import dev.postern.config.MainCf;
import dev.postern.restrictions.RestrictionConfig;
import dev.postern.restrictions.RestrictionList;
import dev.postern.restrictions.SmtpState;
import dev.postern.restrictions.Verdict;
import dev.postern.tables.LookupException;
import dev.postern.tables.TableRegistry;

/**
 * One RCPT TO through the restriction engine, doing per command what SmtpdRestrictionsHook
 * does: resolve the sender and recipient paths, build the session state, and evaluate the five
 * RCPT lists ({@link RestrictionList#RCPT_PARAMETERS}; all but the relay list at their empty
 * defaults) with
 * <pre>
 * smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated,
 *     check_client_access cidr:(100,000 networks), check_sender_access hash:(1,000,000 senders),
 *     reject_unauth_destination
 * </pre>
 * The configuration is built as the hook's init builds it (main.cf, tables through the
 * environment's registry). Left out, because they are James's or per connection: the client
 * name lookup (once per connection), the session attachments, turning the verdict into a
 * HookResult, and log lines.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RcptRestrictionsBenchmark {
    private static final int KEYS = 4096;

    /** One RCPT TO's input: the connection's client (its name is looked up once per connection) and the two paths. */
    private record Rcpt(String clientName, InetAddress clientAddress, String sender, String recipient) {
    }

    private TableRegistry registry;
    private AddressResolver resolver;
    private List<RestrictionList> lists;
    private final Rcpt[] untrusted = new Rcpt[KEYS];
    private final Rcpt[] trusted = new Rcpt[KEYS];
    private final Rcpt[] listedSender = new Rcpt[KEYS];
    private final SmtpState[] untrustedResolved = new SmtpState[KEYS];

    @Setup
    public void load() throws Exception {
        Path dir = Files.createTempDirectory("postern-bench");
        registry = new TableRegistry(dir);
        MainCf mainCf = MainCf.parse("main.cf", List.of(
            "myhostname = mail.example.com",
            "mydomain = example.com",
            "mynetworks = 127.0.0.0/8 [::1]/128 192.168.0.0/16",
            "smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated,"
                + " check_client_access cidr:" + TableFiles.cidr(dir) + ","
                + " check_sender_access hash:" + TableFiles.senderAccess(dir) + ","
                + " reject_unauth_destination"), Map.of());
        PosternEnvironment environment = new PosternEnvironment(mainCf, null);
        environment.setTables(registry);
        init(environment.parameters(name -> Optional.empty(), getClass().getSimpleName()), environment);

        for (int i = 0; i < KEYS; i++) {
            int n = ThreadLocalRandom.current().nextInt(TableFiles.HASH_ENTRIES);
            // Outside every network of the cidr: table and of mynetworks; a sender in no form in the table
            // (address, domain and its three parents, local part@): the longest walk.
            InetAddress outside = InetAddress.getByName("192.0." + (n & 0xff) + "." + ((n >> 8) & 0xff));
            String unlisted = "nobody" + n + "@mail.sub" + n + ".example.org";
            String remote = "rcpt" + n + "@remote" + (n % 1000) + ".example.net";
            String clientName = "mta" + n + ".client.example.net";
            untrusted[i] = new Rcpt(clientName, outside, unlisted, remote);
            trusted[i] = new Rcpt(clientName, InetAddress.getByName("192.168." + (n & 0xff) + "." + ((n >> 8) & 0xff)),
                unlisted, remote);
            listedSender[i] = new Rcpt(clientName, outside, TableFiles.hashKey(n), remote);
            untrustedResolved[i] = state(untrusted[i]);
        }
        // Guard: each case must end where its name says, not in, say, a configuration error.
        expect(untrusted, "Relay access denied");
        expect(trusted, "PERMIT");
        expect(listedSender, "Sender address rejected: sender ");
    }

    /** As SmtpdRestrictionsHook.init: one classifier for the resolver and the relay check. */
    private void init(ComponentParameters parameters, PosternEnvironment environment) throws Exception {
        // WebAdmin domains: the server asks its in-memory domain list; a set stands in for it.
        Set<String> runtimeDomains = Set.of("hosted.example.com");
        AddressClassifier classifier = AddressClassifier.fromParameters(parameters::get,
            AddressClassifier.ownAddresses(parameters.list("inet_interfaces"), parameters.list("proxy_interfaces")),
            environment::openTable, runtimeDomains::contains);
        Map<String, String> classes = parameters.list("smtpd_restriction_classes").stream()
            .collect(Collectors.toMap(name -> name, parameters::get));
        RestrictionConfig restrictions = new RestrictionConfig(parameters::get, classes, environment::openTable, classifier);
        lists = RestrictionList.RCPT_PARAMETERS.stream().map(name -> restrictions.parse(name, parameters.get(name))).toList();
        resolver = new AddressResolver(ResolverParameters.from(parameters::get), classifier::isLocal);
    }

    private void expect(Rcpt[] cases, String outcome) throws LookupException {
        for (Rcpt rcpt : cases) {
            Verdict verdict = check(rcpt);
            String seen = verdict.replyLine().orElse(verdict.result().name());
            if (!seen.contains(outcome)) {
                throw new IllegalStateException(rcpt + ": expected " + outcome + ", got " + seen);
            }
        }
    }

    @TearDown
    public void close() {
        registry.close();
    }

    /** The per-RCPT work of SmtpdRestrictionsHook.doRcpt, up to the verdict. */
    private Verdict check(Rcpt rcpt) throws LookupException {
        return RestrictionList.evaluateAll(state(rcpt), lists);
    }

    /** Resolves both paths (the recipient first, as the hook does) and builds the state as the hook does. */
    private SmtpState state(Rcpt rcpt) throws LookupException {
        ResolvedAddress recipient = resolver.resolveRecipient("<" + rcpt.recipient() + ">");
        ResolvedAddress sender = resolver.resolveSender("<" + rcpt.sender() + ">");
        return SmtpState.connect(rcpt.clientName(), rcpt.clientAddress())
            .withHelo(rcpt.clientName()).withSender(sender).withRecipient(recipient)
            .withSaslUsername(null).withTls(false).withRecipientCount(0);
    }

    /** Untrusted client, unlisted sender, remote recipient: both tables walked, then 554 Relay access denied. */
    @Benchmark
    public Verdict relayDenied() throws LookupException {
        return check(untrusted[ThreadLocalRandom.current().nextInt(KEYS)]);
    }

    /**
     * {@link #relayDenied} without the address resolving and the state: the restriction lists
     * alone, to tell the two costs apart.
     */
    @Benchmark
    public Verdict relayDeniedListsOnly() {
        return RestrictionList.evaluateAll(untrustedResolved[ThreadLocalRandom.current().nextInt(KEYS)], lists);
    }

    /** A client in mynetworks: permitted by the first restriction. */
    @Benchmark
    public Verdict mynetworks() throws LookupException {
        return check(trusted[ThreadLocalRandom.current().nextInt(KEYS)]);
    }

    /** Untrusted client (cidr: miss), sender found at the first key of the hash: table: 554 Sender address rejected. */
    @Benchmark
    public Verdict senderListed() throws LookupException {
        return check(listedSender[ThreadLocalRandom.current().nextInt(KEYS)]);
    }
}
