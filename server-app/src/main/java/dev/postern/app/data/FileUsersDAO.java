package dev.postern.app.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.core.Username;
import org.apache.james.lifecycle.api.Configurable;
import org.apache.james.user.api.UsersRepositoryException;
import org.apache.james.user.api.model.User;
import org.apache.james.user.lib.UsersDAO;
import org.apache.james.user.lib.model.Algorithm;
import org.apache.james.user.lib.model.DefaultUser;

/**
 * SMTP AUTH users kept in one properties file under {@code var/store/}: one line per
 * user holding the password hash and the algorithm that made it. Every change
 * rewrites the file durably before it returns, so an added user survives any crash
 * after WebAdmin answered. The set is small (submission users), so the whole map
 * lives in memory and lookups never touch the disk.
 */
public class FileUsersDAO implements UsersDAO, Configurable {
    private static final String SEPARATOR = ":";

    private final Path file;
    private final Map<String, DefaultUser> users = new TreeMap<>();
    private Algorithm algorithm = Algorithm.of("PBKDF2-SHA512");

    public FileUsersDAO(Path file) {
        this.file = file;
        load();
    }

    @Override
    public synchronized void configure(HierarchicalConfiguration<ImmutableNode> config) {
        algorithm = Algorithm.of(config.getString("algorithm", "PBKDF2-SHA512"),
            config.getString("hashingMode", "plain"));
    }

    @Override
    public synchronized void addUser(Username username, String password) throws UsersRepositoryException {
        DefaultUser user = new DefaultUser(username, algorithm, algorithm);
        user.setPassword(password);
        users.put(username.asString(), user);
        save();
    }

    @Override
    public synchronized Optional<DefaultUser> getUserByName(Username name) {
        return Optional.ofNullable(users.get(name.asString()));
    }

    @Override
    public synchronized void updateUser(User user) throws UsersRepositoryException {
        if (!(user instanceof DefaultUser) || !users.containsKey(user.getUserName().asString())) {
            throw new UsersRepositoryException("cannot update unknown user " + user.getUserName().asString());
        }
        users.put(user.getUserName().asString(), (DefaultUser) user);
        save();
    }

    @Override
    public synchronized void removeUser(Username name) throws UsersRepositoryException {
        if (users.remove(name.asString()) == null) {
            throw new UsersRepositoryException("unable to remove unknown user " + name.asString());
        }
        save();
    }

    @Override
    public synchronized boolean contains(Username name) {
        return users.containsKey(name.asString());
    }

    @Override
    public synchronized int countUsers() {
        return users.size();
    }

    @Override
    public synchronized Iterator<Username> list() {
        return users.keySet().stream().map(Username::of).toList().iterator();
    }

    private void load() {
        if (!Files.exists(file)) {
            return;
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read users file " + file, e);
        }
        properties.stringPropertyNames().forEach(name -> users.put(name, decode(name, properties.getProperty(name))));
    }

    private DefaultUser decode(String name, String value) {
        int split = value.indexOf(SEPARATOR);
        if (split < 0) {
            throw new IllegalStateException(file + ": user " + name + " has no algorithm:hash value");
        }
        Algorithm stored = Algorithm.of(value.substring(0, split));
        return new DefaultUser(Username.of(name), value.substring(split + 1), stored, algorithm);
    }

    private void save() throws UsersRepositoryException {
        Properties properties = new Properties();
        users.forEach((name, user) -> properties.setProperty(name,
            user.getHashAlgorithm().asString() + SEPARATOR + user.getHashedPassword()));
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            properties.store(out, "Postern SMTP AUTH users: name=algorithm:hash (managed through WebAdmin)");
            DurableFiles.replace(file, out.toByteArray());
        } catch (IOException e) {
            throw new UsersRepositoryException("cannot write users file " + file + ": " + e.getMessage());
        }
    }

    List<String> names() {
        synchronized (this) {
            return List.copyOf(users.keySet());
        }
    }
}
