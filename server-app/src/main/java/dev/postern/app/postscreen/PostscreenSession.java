package dev.postern.app.postscreen;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.haproxy.HAProxyMessage;

import dev.postern.log.MailEvent;
import dev.postern.log.MailLog;

/**
 * One client of the postscreen listener, from accept to hand-over or hang-up: the permanent
 * access list, the cache, the pregreet test and the DNSBL score (run side by side), then either
 * a relay to the internal smtpd listener (PROXY v2 header first) or Postfix's answers for a client
 * that failed: 521 and hang up ({@code drop}), or 550 5.3.2 to every RCPT ({@code enforce}).
 * Nothing here touches the mail pipeline, and no thread waits on the client.
 */
final class PostscreenSession extends ChannelInboundHandlerAdapter {
    private static final String SERVICE = "postscreen";

    private enum State { WAITING_FOR_PROXY, TESTING, CONNECTING, RELAYING, OWN_SMTP, DONE }

    private final PostscreenSettings settings;
    private final PostscreenCache cache;
    private final DnsblScorer dnsbl;
    private final MailLog log;
    private final InetSocketAddress smtpd;
    private final Clock clock;

    private State state;
    private Channel client;
    private InetSocketAddress clientAddress;
    private InetSocketAddress serverAddress;
    private String clientName;
    private Instant start;
    private ByteBuf early = Unpooled.buffer(0);
    private ScheduledFuture<?> timer;
    private boolean greetDone;
    private Optional<DnsblScorer.Score> score = Optional.empty();
    private boolean failed;
    private Optional<String> enforceReply = Optional.empty();
    private boolean pregreeted;
    private Channel relay;
    private SmtpDummy dummy;

    PostscreenSession(PostscreenSettings settings, PostscreenCache cache, DnsblScorer dnsbl, MailLog log,
                      InetSocketAddress smtpd, Clock clock) {
        this.settings = settings;
        this.cache = cache;
        this.dnsbl = dnsbl;
        this.log = log;
        this.smtpd = smtpd;
        this.clock = clock;
    }

    @Override
    public void channelActive(ChannelHandlerContext context) {
        client = context.channel();
        if (settings.upstreamProxy()) {
            state = State.WAITING_FOR_PROXY;
            timer = client.eventLoop().schedule(() -> {
                if (state == State.WAITING_FOR_PROXY) {
                    log.log(SERVICE, "warning: haproxy read: timeout error from [" + address(client.remoteAddress())
                        + "]");
                    client.close();
                }
            }, settings.upstreamProxyTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        begin((InetSocketAddress) client.remoteAddress(), (InetSocketAddress) client.localAddress());
    }

    private void begin(InetSocketAddress from, InetSocketAddress to) {
        clientAddress = from;
        serverAddress = to;
        clientName = "[" + from.getAddress().getHostAddress() + "]:" + from.getPort();
        start = clock.instant();
        state = State.TESTING;
        log.log(SERVICE, "CONNECT from " + clientName + " to [" + to.getAddress().getHostAddress() + "]:" + to.getPort(),
            new MailEvent.PostscreenVerdict("connect"));
        PostscreenAccessList.Verdict verdict = settings.accessList().evaluate(from.getAddress());
        if (verdict == PostscreenAccessList.Verdict.PERMIT) {
            log.log(SERVICE, "ALLOWLISTED " + clientName, new MailEvent.PostscreenVerdict("allowlisted"));
            handOver();
            return;
        }
        if (verdict == PostscreenAccessList.Verdict.REJECT) {
            log.log(SERVICE, "DENYLISTED " + clientName, new MailEvent.PostscreenVerdict("denylisted"));
            if (fail(settings.denylistAction(), "521 5.3.2 Service currently unavailable",
                    "550 5.3.2 Service currently unavailable")) {
                return;
            }
        } else if (passedBefore()) {
            log.log(SERVICE, "PASS OLD " + clientName, new MailEvent.PostscreenVerdict("pass_old"));
            handOver();
            return;
        }
        if (dnsbl.enabled()) {
            dnsbl.score(from.getAddress()).thenAccept(result -> client.eventLoop().execute(() -> scored(result)));
        } else {
            score = Optional.of(new DnsblScorer.Score(0, Optional.empty()));
        }
        if (!settings.greetBanner().isEmpty()) {
            client.writeAndFlush(ascii("220-" + settings.greetBanner() + "\r\n"));
        }
        timer = client.eventLoop().schedule(this::greetWaitOver, settings.greetWait().toMillis(), TimeUnit.MILLISECONDS);
    }

    private boolean passedBefore() {
        Optional<PostscreenCache.Entry> entry = cache.get(clientAddress.getAddress().getHostAddress());
        Instant now = clock.instant();
        return entry.isPresent() && entry.get().greetUntil().isAfter(now)
            && (!dnsbl.enabled() || entry.get().dnsblUntil().isAfter(now))
            && (!settings.deep().enabled() || entry.get().deepUntil().isAfter(now));
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
        if (message instanceof HAProxyMessage proxy) {
            proxied(proxy);
            return;
        }
        ByteBuf bytes = (ByteBuf) message;
        switch (state) {
            case TESTING, CONNECTING -> {
                if (state == State.TESTING && !greetDone && !pregreeted) {
                    pregreet(bytes);
                }
                early.writeBytes(bytes);
                bytes.release();
            }
            case RELAYING -> {
                relay.writeAndFlush(bytes);
                // a client faster than smtpd waits for it rather than filling memory
                client.config().setAutoRead(relay.isWritable());
            }
            case OWN_SMTP -> {
                dummy.received(bytes);
                bytes.release();
            }
            default -> bytes.release();
        }
    }

    private void proxied(HAProxyMessage proxy) {
        try {
            if (state != State.WAITING_FOR_PROXY) {
                return;
            }
            timer.cancel(false);
            if (proxy.sourceAddress() == null) {
                // PROXY UNKNOWN / LOCAL: the balancer's own connection; its address is the client's
                begin((InetSocketAddress) client.remoteAddress(), (InetSocketAddress) client.localAddress());
                return;
            }
            begin(new InetSocketAddress(proxy.sourceAddress(), proxy.sourcePort()),
                new InetSocketAddress(proxy.destinationAddress(), proxy.destinationPort()));
        } finally {
            proxy.release();
        }
    }

    private void pregreet(ByteBuf bytes) {
        pregreeted = true;
        String text = bytes.toString(bytes.readerIndex(), Math.min(bytes.readableBytes(), 100), StandardCharsets.ISO_8859_1);
        log.log(SERVICE, "PREGREET " + bytes.readableBytes() + " after " + elapsed() + " from " + clientName + ": "
            + text.replace("\r", "\\r").replace("\n", "\\n"), new MailEvent.PostscreenVerdict("pregreet"));
        fail(settings.greetAction(), "521 5.5.1 Protocol error", "550 5.5.1 Protocol error");
    }

    /**
     * Applies a failed test's action. @return true when the client was dropped.
     */
    private boolean fail(PostscreenAction action, String dropReply, String enforceText) {
        switch (action) {
            case DROP -> {
                drop(dropReply);
                return true;
            }
            case ENFORCE -> {
                failed = true;
                if (enforceReply.isEmpty()) {
                    enforceReply = Optional.of(enforceText);
                }
            }
            case IGNORE -> failed = true;
        }
        return false;
    }

    private void drop(String reply) {
        cancelTimer();
        state = State.DONE;
        client.writeAndFlush(ascii(reply + "\r\n")).addListener(ChannelFutureListener.CLOSE);
        log.log(SERVICE, "DISCONNECT " + clientName, new MailEvent.PostscreenVerdict("disconnect"));
    }

    private void scored(DnsblScorer.Score result) {
        if (state != State.TESTING) {
            return;
        }
        score = Optional.of(result);
        if (settings.dnsblAllowlistThreshold() < 0 && result.score() <= settings.dnsblAllowlistThreshold() && !failed) {
            // a client the allowlists vouch for skips the rest of the tests
            cancelTimer();
            passNew();
            handOver();
            return;
        }
        if (result.score() >= settings.dnsblThreshold()) {
            log.log(SERVICE, "DNSBL rank " + result.score() + " for " + clientName, new MailEvent.PostscreenVerdict("dnsbl"));
            String blocked = "5.7.1 Service unavailable; client [" + clientAddress.getAddress().getHostAddress()
                + "] blocked using " + settings.replyName(result.listed().orElse("a DNS list"));
            if (fail(settings.dnsblAction(), "521 " + blocked, "550 " + blocked)) {
                return;
            }
        }
        if (greetDone) {
            conclude();
        }
    }

    private void greetWaitOver() {
        if (state != State.TESTING) {
            return;
        }
        greetDone = true;
        if (score.isPresent()) {
            conclude();
        }
        // else the DNSBL answers conclude (they are bounded by postscreen_dnsbl_timeout)
    }

    private void conclude() {
        if (enforceReply.isPresent()) {
            startDummy(enforceReply.get());
            return;
        }
        if (failed) {
            handOver();
            return;
        }
        if (settings.deep().enabled()) {
            // the deep tests need an SMTP dialogue that smtpd must not have: a client that passes
            // them is told 450 and gets through when it reconnects
            startDummy(null);
            return;
        }
        passNew();
        handOver();
    }

    private void startDummy(String reject) {
        state = State.OWN_SMTP;
        dummy = new SmtpDummy(client, log, clientName, settings.smtpdBanner(), reject, settings.deep(),
            new SmtpDummy.Outcome() {
                @Override
                public void passed() {
                    passNew();
                }

                @Override
                public void dropped() {
                    ended();
                }

                @Override
                public void failed(PostscreenAction action) {
                    PostscreenSession.this.failed = true;
                }

                @Override
                public void ended() {
                    PostscreenSession.this.ended();
                }
            });
        dummy.greet();
        if (early.isReadable()) {
            dummy.received(early);
        }
    }

    private void passNew() {
        // the cache entry goes in before the log line: whoever reads PASS NEW (an operator, a test)
        // and reconnects at once must find it
        cache.put(clientAddress.getAddress().getHostAddress(), passedEntry(clock.instant()));
        log.log(SERVICE, "PASS NEW " + clientName, new MailEvent.PostscreenVerdict("pass_new"));
    }

    private PostscreenCache.Entry passedEntry(Instant now) {
        boolean dnsblPassed = dnsbl.enabled() && score.map(s -> s.score() < settings.dnsblThreshold()).orElse(false);
        Instant greetUntil = now.plus(settings.greetTtl());
        Instant dnsblUntil = dnsblPassed ? now.plus(settings.dnsblTtl()) : Instant.EPOCH;
        if (score.isPresent() && score.get().score() <= settings.dnsblAllowlistThreshold()
                && settings.dnsblAllowlistThreshold() < 0) {
            // allowlisted: every test counts as passed for the DNSBL TTL
            Instant allowlistedUntil = now.plus(settings.dnsblTtl());
            return new PostscreenCache.Entry(allowlistedUntil, allowlistedUntil, allowlistedUntil);
        }
        Instant deepUntil = settings.deep().enabled() && state == State.OWN_SMTP
            ? now.plus(settings.deep().ttl()) : Instant.EPOCH;
        return new PostscreenCache.Entry(greetUntil, dnsblUntil, deepUntil);
    }

    /** Connects to the internal smtpd listener and relays both ways, client bytes read so far first. */
    private void handOver() {
        cancelTimer();
        state = State.CONNECTING;
        client.config().setAutoRead(false);
        Bootstrap bootstrap = new Bootstrap().group(client.eventLoop()).channel(NioSocketChannel.class)
            .option(ChannelOption.AUTO_READ, true)
            .handler(new Relay(client));
        bootstrap.connect(smtpd).addListener((ChannelFutureListener) connected -> {
            if (!connected.isSuccess()) {
                log.log(SERVICE, "warning: cannot connect to the smtpd listener at " + smtpd + ": "
                    + connected.cause().getMessage());
                drop("421 4.3.2 Service currently unavailable");
                return;
            }
            if (!client.isActive()) {
                // the client hung up while smtpd was being reached: nothing to relay
                connected.channel().close();
                return;
            }
            relay = connected.channel();
            relay.write(Unpooled.wrappedBuffer(ProxyProtocolV2.header(clientAddress, serverAddress)));
            relay.writeAndFlush(early);
            early = Unpooled.EMPTY_BUFFER;
            state = State.RELAYING;
            client.config().setAutoRead(true);
        });
    }

    /** The smtpd side of a relayed client: its bytes to the client; either side closing closes both. */
    private static final class Relay extends ChannelInboundHandlerAdapter {
        private final Channel client;

        Relay(Channel client) {
            this.client = client;
        }

        @Override
        public void channelRead(ChannelHandlerContext context, Object message) {
            client.writeAndFlush(message);
            context.channel().config().setAutoRead(client.isWritable());
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext context) {
            client.config().setAutoRead(context.channel().isWritable());
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            context.close();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) {
        if (relay != null) {
            relay.config().setAutoRead(client.isWritable());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        cancelTimer();
        if (state == State.TESTING || state == State.CONNECTING && relay == null) {
            log.log(SERVICE, "HANGUP after " + elapsed() + " from " + clientName + " in tests before SMTP handshake",
                new MailEvent.PostscreenVerdict("hangup"));
            log.log(SERVICE, "DISCONNECT " + clientName, new MailEvent.PostscreenVerdict("disconnect"));
        } else if (state == State.OWN_SMTP) {
            ended();
        } else if (relay != null) {
            relay.close();
        }
        state = State.DONE;
        early.release();
        early = Unpooled.EMPTY_BUFFER;
    }

    private void ended() {
        if (state == State.OWN_SMTP) {
            state = State.DONE;
            log.log(SERVICE, "DISCONNECT " + clientName, new MailEvent.PostscreenVerdict("disconnect"));
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        if (state == State.WAITING_FOR_PROXY) {
            log.log(SERVICE, "warning: haproxy read: malformed PROXY header from [" + address(client.remoteAddress())
                + "]: " + cause.getMessage());
            state = State.DONE;
        }
        context.close();
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private String elapsed() {
        long millis = Duration.between(start, clock.instant()).toMillis();
        return String.format(Locale.ROOT, "%.2f", millis / 1000.0);
    }

    private static String address(java.net.SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() + "]:" + inet.getPort()
            : String.valueOf(address) + "]";
    }

    private static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }
}
