package dev.postern.app.explain;

import dev.postern.delivery.route.RouteResolver;
import dev.postern.rewrite.AddressRewriter;
import dev.postern.rewrite.VirtualAliasExpander;
import dev.postern.smtpd.LocalRecipientHook;
import dev.postern.smtpd.SmtpdPolicy;

/**
 * What the server judges and routes a transaction with, built by the server's own factories from
 * the configuration: the listener's restriction policy and unlisted-recipient check (smtpd), the
 * address rewriting and virtual alias expansion (cleanup) and the routing (the queue manager).
 *
 * @param listener the listener's name in smtpserver.xml (its jmxName)
 * @param tls         whether its sessions are taken as encrypted
 * @param saslEnabled {@code smtpd_sasl_auth_enable}: whether it offers AUTH at all
 */
record ServerParts(String listener, SessionTls tls, boolean saslEnabled, SmtpdPolicy policy, LocalRecipientHook.Settings unlisted, AddressRewriter rewriter,
        VirtualAliasExpander aliases, RouteResolver routes) {
}
