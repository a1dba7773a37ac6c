package dev.postern.tables.ldap;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Hashtable;
import java.util.List;

import javax.naming.Context;
import javax.naming.NamingException;
import javax.naming.ldap.InitialLdapContext;
import javax.naming.ldap.LdapContext;
import javax.naming.ldap.StartTlsRequest;
import javax.naming.ldap.StartTlsResponse;

/**
 * The open connections (JNDI contexts) of one {@code ldap:} table, kept between lookups: a
 * lookup takes an idle one or opens another, and gives it back when done, or discards it when the
 * lookup failed (so the next lookup reconnects, trying the servers of server_host in order, which
 * JNDI does when given several URLs). A context is used by one thread at a time.
 */
final class LdapConnections implements Closeable {
    private final LdapSettings settings;
    private final Deque<LdapContext> idle = new ArrayDeque<>();
    private boolean closed;

    LdapConnections(LdapSettings settings) {
        this.settings = settings;
    }

    LdapContext take() throws NamingException {
        synchronized (this) {
            if (!idle.isEmpty()) {
                return idle.pop();
            }
        }
        return connect();
    }

    void giveBack(LdapContext context) {
        synchronized (this) {
            if (!closed) {
                idle.push(context);
                return;
            }
        }
        discard(context);
    }

    /** Closes the idle connections: after one broke, the others to the same server are likely broken too. */
    void discardIdle() {
        List<LdapContext> closing;
        synchronized (this) {
            closing = new ArrayList<>(idle);
            idle.clear();
        }
        closing.forEach(this::discard);
    }

    void discard(LdapContext context) {
        try {
            context.close();
        } catch (NamingException ignored) {
            // a connection we give up on
        }
    }

    private LdapContext connect() throws NamingException {
        Hashtable<String, Object> env = new Hashtable<>();
        env.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.ldap.LdapCtxFactory");
        env.put(Context.PROVIDER_URL, String.join(" ", settings.serverUrls()));
        String millis = Long.toString(settings.timeout().toMillis());
        env.put("com.sun.jndi.ldap.connect.timeout", millis);
        env.put("com.sun.jndi.ldap.read.timeout", millis);
        env.put("java.naming.ldap.version", Integer.toString(settings.version()));
        env.put("java.naming.ldap.derefAliases", settings.dereference());
        env.put(Context.REFERRAL, settings.chaseReferrals() ? "follow" : "ignore");
        boolean simpleBind = settings.bind() && !settings.bindDn().isEmpty();
        if (simpleBind && !settings.startTls()) {
            putCredentials(env);
        } else {
            env.put(Context.SECURITY_AUTHENTICATION, "none");
        }
        LdapContext context = new InitialLdapContext(env, null);
        if (!settings.startTls()) {
            return context;
        }
        try {
            StartTlsResponse tls = (StartTlsResponse) context.extendedOperation(new StartTlsRequest());
            tls.negotiate();
            if (simpleBind) {
                // Changing the credentials binds again, over the TLS session, at the next operation.
                context.addToEnvironment(Context.SECURITY_AUTHENTICATION, "simple");
                context.addToEnvironment(Context.SECURITY_PRINCIPAL, settings.bindDn());
                context.addToEnvironment(Context.SECURITY_CREDENTIALS, settings.bindPw());
            }
            return context;
        } catch (IOException e) {
            discard(context);
            NamingException failure = new NamingException("start_tls failed: " + e.getMessage());
            failure.setRootCause(e);
            throw failure;
        } catch (NamingException | RuntimeException e) {
            discard(context);
            throw e;
        }
    }

    private void putCredentials(Hashtable<String, Object> env) {
        env.put(Context.SECURITY_AUTHENTICATION, "simple");
        env.put(Context.SECURITY_PRINCIPAL, settings.bindDn());
        env.put(Context.SECURITY_CREDENTIALS, settings.bindPw());
    }

    @Override
    public void close() {
        List<LdapContext> closing;
        synchronized (this) {
            closed = true;
            closing = new ArrayList<>(idle);
            idle.clear();
        }
        closing.forEach(this::discard);
    }
}
