package dev.postern.delivery.smtp;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocketFactory;

/**
 * A TCP connection, upgraded in place by STARTTLS. A write that stalls longer than the write
 * timeout (smtp_data_xfer_timeout) closes the socket and fails as a timeout.
 */
final class TcpConnection extends Connection {
    private final Socket raw;
    private final Watchdog watchdog;
    private final Duration writeTimeout;
    private volatile boolean stalled;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    private TcpConnection(Socket socket, Watchdog watchdog, Duration writeTimeout) throws IOException {
        this.raw = socket;
        this.watchdog = watchdog;
        this.writeTimeout = writeTimeout;
        use(socket);
    }

    static TcpConnection connect(InetSocketAddress address, Duration timeout, Watchdog watchdog, Duration writeTimeout)
            throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(address, (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
            socket.setTcpNoDelay(true);
            return new TcpConnection(socket, watchdog, writeTimeout);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private void use(Socket s) throws IOException {
        this.socket = s;
        this.in = s.getInputStream();
        this.out = new BufferedOutputStream(new GuardedOutput(s.getOutputStream()), 16 * 1024);
    }

    /** Arms the watchdog around each write to the socket. */
    private final class GuardedOutput extends OutputStream {
        private final OutputStream target;

        GuardedOutput(OutputStream target) {
            this.target = target;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            Watchdog.Alarm alarm = watchdog.arm(writeTimeout, TcpConnection.this::stall);
            try {
                target.write(bytes, offset, length);
            } catch (IOException e) {
                if (stalled) {
                    throw new SocketTimeoutException("write stalled for " + writeTimeout.toSeconds() + "s");
                }
                throw e;
            } finally {
                alarm.disarm();
            }
        }

        @Override
        public void flush() throws IOException {
            target.flush();
        }
    }

    private void stall() {
        stalled = true;
        try {
            // The raw socket: closing a TLS socket would first try to write close_notify.
            raw.close();
        } catch (IOException e) {
            // Closed either way.
        }
    }

    @Override
    protected int readSome(byte[] into, int offset, int length, Duration timeout) throws IOException {
        socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
        return in.read(into, offset, length);
    }

    @Override
    void write(byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length);
    }

    @Override
    void flush() throws IOException {
        out.flush();
    }

    @Override
    SSLSession startTls(SSLSocketFactory factory, String hostname, SSLParameters parameters) throws IOException {
        SSLSocket tls = (SSLSocket) factory.createSocket(socket, hostname, socket.getPort(), true);
        tls.setSSLParameters(parameters);
        tls.setUseClientMode(true);
        tls.startHandshake();
        use(tls);
        return tls.getSession();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
