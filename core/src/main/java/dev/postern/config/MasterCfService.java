package dev.postern.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One master.cf entry: the eight fields and the command's arguments, with its {@code -o name=value}
 * overrides apart (in file order, {@code $service_name} already replaced by the service's name).
 *
 * @param line      the line the entry starts on, for errors
 * @param where     {@code master.cf, line N: smtp/inet} for errors
 * @param arguments the command's arguments other than {@code -o} overrides and {@code -v}/{@code -D}
 *                  (pipe's {@code flags=}, {@code user=}, {@code argv=} ...), with {@code { }} groups undone
 */
public record MasterCfService(String name, String type, String privateField, String unpriv, String chroot,
                              String wakeup, String maxproc, String command, Map<String, String> overrides,
                              List<String> arguments, int line, String where) {

    /** What a service becomes in Postern. */
    public enum Role {
        /** an {@code inet} service running smtpd or postscreen: an SMTP listener */
        LISTENER,
        /** a {@code unix} service running a delivery agent Postern has: a transport */
        TRANSPORT,
        /** one of Postfix's own daemons, whose job Postern does inside the server (pickup, qmgr, cleanup...) */
        POSTFIX_INTERNAL,
        /** a program Postern does not run (qmqpd, spawn, a {@code pass} or {@code fifo} service...) */
        NOT_RUN
    }

    /** The delivery agents Postern has, by Postfix command name. */
    public static final Set<String> DELIVERY_AGENTS = Set.of("smtp", "lmtp", "local", "virtual", "pipe", "error",
        "discard");

    /** Postfix daemons whose work is done inside Postern's server without a service of their own. */
    public static final Set<String> POSTFIX_INTERNALS = Set.of("pickup", "cleanup", "qmgr", "oqmgr", "tlsmgr",
        "trivial-rewrite", "bounce", "verify", "flush", "proxymap", "showq", "anvil", "scache", "postlogd", "dnsblog",
        "tlsproxy");

    public MasterCfService {
        overrides = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(overrides));
        arguments = List.copyOf(arguments);
    }

    public Role role() {
        if (type.equals("inet") && (command.equals("smtpd") || command.equals("postscreen"))) {
            return Role.LISTENER;
        }
        if (type.equals("unix") && DELIVERY_AGENTS.contains(command)) {
            return Role.TRANSPORT;
        }
        if (POSTFIX_INTERNALS.contains(command) || (type.equals("pass") && command.equals("smtpd"))) {
            return Role.POSTFIX_INTERNAL;
        }
        return Role.NOT_RUN;
    }

    /** {@code maxproc} as a number: {@code -} is {@code defaultLimit}, 0 is unlimited. */
    public int processLimit(int defaultLimit) {
        return maxproc.equals("-") ? defaultLimit : Integer.parseInt(maxproc);
    }

    /** The value of a {@code name=value} argument (pipe's {@code flags=}, {@code user=}, ...). */
    public Optional<String> attribute(String attribute) {
        String prefix = attribute + "=";
        return arguments.stream().filter(argument -> argument.startsWith(prefix))
            .map(argument -> argument.substring(prefix.length())).findFirst();
    }

    /** The arguments after the one that starts {@code argv=}, that one's value first (pipe's command). */
    public List<String> argv() {
        for (int i = 0; i < arguments.size(); i++) {
            if (arguments.get(i).startsWith("argv=")) {
                List<String> argv = new java.util.ArrayList<>();
                argv.add(arguments.get(i).substring("argv=".length()));
                argv.addAll(arguments.subList(i + 1, arguments.size()));
                return List.copyOf(argv);
            }
        }
        return List.of();
    }

    /** {@code smtp/inet}, as {@code postconf -M} names a service. */
    public String key() {
        return name + "/" + type;
    }
}
