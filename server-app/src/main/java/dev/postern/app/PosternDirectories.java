package dev.postern.app;

import org.apache.james.filesystem.api.JamesDirectoriesProvider;

/** James's view of a {@link PosternHome}: {@code file://conf/} and {@code file://var/} follow --conf and --var. */
public class PosternDirectories implements JamesDirectoriesProvider {
    private final PosternHome home;

    public PosternDirectories(PosternHome home) {
        this.home = home;
    }

    @Override
    public String getAbsoluteDirectory() {
        return "/";
    }

    @Override
    public String getConfDirectory() {
        return home.conf() + "/";
    }

    @Override
    public String getVarDirectory() {
        return home.var() + "/";
    }

    @Override
    public String getRootDirectory() {
        return home.home().toString();
    }
}
