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
 */
record ServerParts(String listener, SmtpdPolicy policy, LocalRecipientHook.Settings unlisted, AddressRewriter rewriter,
        VirtualAliasExpander aliases, RouteResolver routes) {
}
