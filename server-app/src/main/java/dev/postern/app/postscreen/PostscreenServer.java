package dev.postern.app.postscreen;

import java.net.InetSocketAddress;
import java.time.Clock;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;

import dev.postern.log.MailLog;

/**
 * One postscreen listener: a non-blocking socket on the MX address whose connections are each a
 * {@link PostscreenSession}, on one small event loop (the tests cost a timer and a few bytes per
 * client, so a thousand idle bots hold no thread).
 */
public final class PostscreenServer implements AutoCloseable {
    private final EventLoopGroup loop;
    private final Channel listener;

    private PostscreenServer(EventLoopGroup loop, Channel listener) {
        this.loop = loop;
        this.listener = listener;
    }

    /**
     * Binds {@code address} and starts accepting.
     *
     * @param smtpd the loopback address of the internal smtpd listener that passed clients are relayed to
     * @throws InterruptedException when interrupted while binding
     */
    public static PostscreenServer start(String name, InetSocketAddress address, InetSocketAddress smtpd,
                                         PostscreenSettings settings, PostscreenCache cache, DnsblScorer dnsbl,
                                         MailLog log, Clock clock) throws InterruptedException {
        EventLoopGroup loop = new NioEventLoopGroup(2, new DefaultThreadFactory("postscreen-" + name, true));
        ServerBootstrap bootstrap = new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel channel) {
                    if (settings.upstreamProxy()) {
                        channel.pipeline().addLast(new HAProxyMessageDecoder());
                    }
                    channel.pipeline().addLast(new PostscreenSession(settings, cache, dnsbl, log, smtpd, clock));
                }
            });
        try {
            Channel listener = bootstrap.bind(address).sync().channel();
            return new PostscreenServer(loop, listener);
        } catch (Throwable e) {
            loop.shutdownGracefully();
            throw e;
        }
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        loop.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
