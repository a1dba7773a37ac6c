package dev.postern.app.modules;

import java.io.FileNotFoundException;
import java.util.Optional;

import org.apache.commons.configuration2.BaseConfiguration;
import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.server.core.configuration.Configuration.ConfigurationPath;
import org.apache.james.utils.PropertiesProvider;

import dev.postern.config.ListenAddress;
import dev.postern.config.MainCf;

/**
 * James's properties files, with WebAdmin's address taken from main.cf's
 * {@code postern_webadmin_listen} (empty disables it). The default address is loopback; every
 * request needs the token of var/ whatever the address (see {@code dev.postern.app.webadmin}).
 */
public class MainCfPropertiesProvider extends PropertiesProvider {
    private static final String WEBADMIN = "webadmin";

    private final MainCf mainCf;

    public MainCfPropertiesProvider(FileSystem fileSystem, ConfigurationPath path, MainCf mainCf) {
        super(fileSystem, path);
        this.mainCf = mainCf;
    }

    @Override
    public Configuration getConfiguration(String fileName) throws FileNotFoundException, ConfigurationException {
        if (!fileName.equals(WEBADMIN)) {
            return super.getConfiguration(fileName);
        }
        Configuration configuration = fileOrEmpty(fileName);
        Optional<ListenAddress> address = ListenAddress.parse("postern_webadmin_listen",
            mainCf.get("postern_webadmin_listen"));
        configuration.setProperty("enabled", address.isPresent());
        address.ifPresent(a -> {
            configuration.setProperty("host", a.host());
            configuration.setProperty("port", a.port());
        });
        return configuration;
    }

    private Configuration fileOrEmpty(String fileName) throws ConfigurationException {
        try {
            return super.getConfiguration(fileName);
        } catch (FileNotFoundException e) {
            return new BaseConfiguration();
        }
    }
}
