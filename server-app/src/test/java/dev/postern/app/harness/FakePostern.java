package dev.postern.app.harness;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.postern.testing.smtp.SmtpSink;

/**
 * A stand-in for {@code bin/postern} that lets the harness be tested without the real server: {@code run}
 * greets on the SMTP listener (an {@link SmtpSink}), answers a few WebAdmin routes from a file under
 * {@code var/}, exits 0 on SIGTERM, and refuses {@code bogus_parameter} or a busy port the way the
 * contract says; {@code postconf} and {@code version} print what the real one would.
 */
public final class FakePostern {

    private FakePostern() {
    }

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "run" : args[0];
        Path home = Paths.get(".");
        List<String> rest = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--home") && i + 1 < args.length) {
                home = Paths.get(args[++i]);
            } else {
                rest.add(args[i]);
            }
        }
        switch (command) {
            case "version" -> System.out.println("postern 0.0.0-fake");
            case "postconf" -> postconf(home, rest);
            case "run" -> run(home);
            default -> {
                System.err.println("postern: fatal: unknown command " + command);
                System.exit(2);
            }
        }
    }

    private static Map<String, String> parameters(Path home) throws IOException {
        Map<String, String> values = new TreeMap<>();
        Path mainCf = home.resolve("conf/main.cf");
        List<String> lines = Files.readAllLines(mainCf);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] pair = line.split("=", 2);
            String name = pair[0].strip();
            if (name.equals("bogus_parameter")) {
                System.err.println("postern: fatal: " + mainCf + ":" + (i + 1) + ": unknown parameter bogus_parameter");
                System.exit(1);
            }
            values.put(name, pair.length > 1 ? pair[1].strip() : "");
        }
        System.getenv().forEach((key, value) -> {
            if (key.startsWith("POSTERN_") && !key.equals(key.toUpperCase())) {
                values.put(key.substring("POSTERN_".length()), value);
            }
        });
        return values;
    }

    private static void postconf(Path home, List<String> args) throws IOException {
        Map<String, String> values = parameters(home);
        List<String> names = args.stream().filter(a -> !a.startsWith("-")).toList();
        values.forEach((name, value) -> {
            if (names.isEmpty() || names.contains(name)) {
                System.out.println(name + " = " + value);
            }
        });
    }

    private static void run(Path home) throws Exception {
        Map<String, String> values = parameters(home);
        String listen = values.get("postern_smtpd_listen");
        String[] hostPort = listen.split(":");
        SmtpSink sink = new SmtpSink(hostPort[0], Integer.parseInt(hostPort[1]), "fake.postern.test");
        java.util.concurrent.atomic.AtomicReference<HttpServer> web = new java.util.concurrent.atomic.AtomicReference<>();
        // Installed before the listener answers: the harness may send SIGTERM as soon as it sees the greeting.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sink.stop();
            if (web.get() != null) {
                web.get().stop(0);
            }
            System.out.println("fake postern stopped");
            System.out.flush();
            Runtime.getRuntime().halt(0);
        }));
        Path maillog = home.resolve("var/log/maillog");
        Files.createDirectories(maillog.getParent());
        Files.writeString(maillog, "Jan  1 00:00:00 fake postern/master[1]: daemon started\n",
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        // As the real server does at its first start: the credential the harness's WebAdmin client reads.
        Path token = home.resolve("var/store/webadmin.token");
        Files.createDirectories(token.getParent());
        if (!Files.exists(token)) {
            Files.writeString(token, "fake-postern-token-fake-postern-token-fake-pos\n");
        }
        web.set(webAdmin(home, values.get("postern_webadmin_listen")));
        try {
            sink.start();
        } catch (UncheckedIOException e) {
            System.err.println("postern: fatal: cannot listen on " + listen + ": address already in use");
            System.out.flush();
            Runtime.getRuntime().halt(1);
        }
        System.out.println("fake postern started on " + listen);
        System.out.flush();
        Thread.currentThread().join();
    }

    private static HttpServer webAdmin(Path home, String listen) throws IOException {
        String[] hostPort = listen.split(":");
        HttpServer server = HttpServer.create(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), 10);
        Path store = home.resolve("var/fake-store");
        server.createContext("/", exchange -> {
            try {
                handle(exchange, store);
            } catch (RuntimeException e) {
                respond(exchange, 500, e.toString());
            }
        });
        server.start();
        return server;
    }

    private static void handle(HttpExchange exchange, Path store) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        exchange.getRequestBody().readAllBytes();
        List<String> entries = Files.exists(store) ? Files.readAllLines(store) : new ArrayList<>();
        if (method.equals("PUT") && (path.startsWith("/domains/") || path.startsWith("/users/"))) {
            String kind = path.startsWith("/domains/") ? "domain " : "user ";
            String entry = kind + path.substring(path.indexOf('/', 1) + 1);
            if (!entries.contains(entry)) {
                Files.writeString(store, entry + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            respond(exchange, 204, "");
        } else if (method.equals("GET") && path.equals("/domains")) {
            respond(exchange, 200, "[" + String.join(",", entries.stream().filter(e -> e.startsWith("domain "))
                    .map(e -> "\"" + e.substring(7) + "\"").toList()) + "]");
        } else if (method.equals("GET") && path.equals("/users")) {
            respond(exchange, 200, "[" + String.join(",", entries.stream().filter(e -> e.startsWith("user "))
                    .map(e -> "{\"username\":\"" + e.substring(5) + "\"}").toList()) + "]");
        } else if (method.equals("GET") && path.equals("/mailQueues/spool")) {
            respond(exchange, 200, "{\"name\":\"spool\",\"size\":0}");
        } else if (method.equals("PATCH") && path.equals("/mailQueues/spool/mails")
                && "delayed=true".equals(exchange.getRequestURI().getQuery())) {
            respond(exchange, 204, "");
        } else {
            respond(exchange, 404, "{\"message\":\"no route " + method + " " + path + "\"}");
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
        exchange.close();
    }
}
