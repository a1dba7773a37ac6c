package dev.postern.app.postscreen;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;

/** The header postscreen writes, read back by the decoder James's SMTP server uses. */
class ProxyProtocolV2Test {
    @Test
    void jamesDecoderReadsTheClientAddressAndPorts() {
        EmbeddedChannel channel = new EmbeddedChannel(new HAProxyMessageDecoder());
        ByteBuf bytes = Unpooled.wrappedBuffer(ProxyProtocolV2.header(new InetSocketAddress("192.0.2.7", 40123),
            new InetSocketAddress("198.51.100.1", 25)));
        channel.writeInbound(bytes);
        HAProxyMessage message = channel.readInbound();
        assertThat(message.protocolVersion()).isEqualTo(HAProxyProtocolVersion.V2);
        assertThat(message.sourceAddress()).isEqualTo("192.0.2.7");
        assertThat(message.sourcePort()).isEqualTo(40123);
        assertThat(message.destinationAddress()).isEqualTo("198.51.100.1");
        assertThat(message.destinationPort()).isEqualTo(25);
        message.release();
    }

    @Test
    void ipv6ClientsToo() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel(new HAProxyMessageDecoder());
        channel.writeInbound(Unpooled.wrappedBuffer(ProxyProtocolV2.header(new InetSocketAddress("2001:db8::7", 40123),
            new InetSocketAddress("2001:db8::1", 25))));
        HAProxyMessage message = channel.readInbound();
        assertThat(java.net.InetAddress.getByName(message.sourceAddress()))
            .isEqualTo(java.net.InetAddress.getByName("2001:db8::7"));
        message.release();
    }
}
