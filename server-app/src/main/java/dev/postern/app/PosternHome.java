package dev.postern.app;

import java.nio.file.Path;

/**
 * Where a Postern instance keeps things: {@code home} holds {@code conf/}, {@code var/} and
 * {@code extensions-jars/}; {@code --conf} and {@code --var} move the first two elsewhere
 * (the container uses /etc/postern and /var/lib/postern).
 */
public record PosternHome(Path home, Path conf, Path var) {
    public PosternHome {
        home = home.toAbsolutePath().normalize();
        conf = conf.toAbsolutePath().normalize();
        var = var.toAbsolutePath().normalize();
    }

    public static PosternHome of(Path home) {
        return new PosternHome(home, home.resolve("conf"), home.resolve("var"));
    }

    public PosternHome withConf(Path newConf) {
        return new PosternHome(home, newConf, var);
    }

    public PosternHome withVar(Path newVar) {
        return new PosternHome(home, conf, newVar);
    }

    public Path mainCf() {
        return conf.resolve("main.cf");
    }
}
