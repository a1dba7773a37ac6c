package dev.postern.app.data;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.core.Username;
import org.apache.james.lifecycle.api.Configurable;
import org.apache.james.user.api.UsersRepositoryException;
import org.apache.james.user.api.model.User;
import org.apache.james.user.lib.UsersDAO;
import org.apache.james.user.lib.model.Algorithm;
import org.apache.james.user.lib.model.DefaultUser;

import dev.postern.tables.sql.SqlDatabase;

/**
 * SMTP AUTH users in table {@code postern_users} of a database every node shares
 * ({@code postern_users_database}): a user added through one node's WebAdmin authenticates on
 * every node at once. Each row holds the name, the hash and the algorithm that made it, as
 * {@link FileUsersDAO} keeps them in its file. A database that cannot answer makes the lookup
 * fail (AUTH answers {@code 454 4.7.0 Temporary authentication failure}), never "no such user".
 */
public class SqlUsersDAO implements UsersDAO, Configurable {
    static final String TABLE = "postern_users";

    private final SqlStore store;
    private volatile Algorithm algorithm = Algorithm.of("PBKDF2-SHA512");

    public SqlUsersDAO(SqlDatabase database) {
        this.store = new SqlStore(database, TABLE, "CREATE TABLE IF NOT EXISTS " + TABLE
            + " (name VARCHAR(320) NOT NULL PRIMARY KEY, algorithm VARCHAR(100) NOT NULL, hash VARCHAR(1000) NOT NULL)");
    }

    @Override
    public void configure(HierarchicalConfiguration<ImmutableNode> config) {
        algorithm = Algorithm.of(config.getString("algorithm", "PBKDF2-SHA512"), config.getString("hashingMode", "plain"));
    }

    @Override
    public void addUser(Username username, String password) throws UsersRepositoryException {
        DefaultUser user = new DefaultUser(username, algorithm, algorithm);
        user.setPassword(password);
        try {
            store.run(connection -> {
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + TABLE
                        + " (name, algorithm, hash) VALUES (?, ?, ?)")) {
                    insert.setString(1, username.asString());
                    insert.setString(2, user.getHashAlgorithm().asString());
                    insert.setString(3, user.getHashedPassword());
                    return insert.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw new UsersRepositoryException(SqlStore.isDuplicate(e) ? "user " + username.asString() + " already exists"
                : "cannot add user " + username.asString() + ": " + store.failure(e));
        }
    }

    @Override
    public Optional<DefaultUser> getUserByName(Username name) throws UsersRepositoryException {
        try {
            return store.run(connection -> {
                try (PreparedStatement select = connection.prepareStatement("SELECT algorithm, hash FROM " + TABLE
                        + " WHERE name = ?")) {
                    select.setString(1, name.asString());
                    try (ResultSet row = select.executeQuery()) {
                        return row.next()
                            ? Optional.of(new DefaultUser(name, row.getString(2), Algorithm.of(row.getString(1)), algorithm))
                            : Optional.<DefaultUser>empty();
                    }
                }
            });
        } catch (SQLException e) {
            throw new UsersRepositoryException("cannot look up user " + name.asString() + ": " + store.failure(e));
        }
    }

    @Override
    public void updateUser(User user) throws UsersRepositoryException {
        if (!(user instanceof DefaultUser known)) {
            throw new UsersRepositoryException("cannot update user " + user.getUserName().asString() + ": not a stored user");
        }
        int updated;
        try {
            updated = store.run(connection -> {
                try (PreparedStatement update = connection.prepareStatement("UPDATE " + TABLE
                        + " SET algorithm = ?, hash = ? WHERE name = ?")) {
                    update.setString(1, known.getHashAlgorithm().asString());
                    update.setString(2, known.getHashedPassword());
                    update.setString(3, known.getUserName().asString());
                    return update.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw new UsersRepositoryException("cannot update user " + user.getUserName().asString() + ": "
                + store.failure(e));
        }
        if (updated == 0) {
            throw new UsersRepositoryException("cannot update unknown user " + user.getUserName().asString());
        }
    }

    @Override
    public void removeUser(Username name) throws UsersRepositoryException {
        int removed;
        try {
            removed = store.run(connection -> {
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + TABLE + " WHERE name = ?")) {
                    delete.setString(1, name.asString());
                    return delete.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw new UsersRepositoryException("cannot remove user " + name.asString() + ": " + store.failure(e));
        }
        if (removed == 0) {
            throw new UsersRepositoryException("unable to remove unknown user " + name.asString());
        }
    }

    @Override
    public boolean contains(Username name) throws UsersRepositoryException {
        return getUserByName(name).isPresent();
    }

    @Override
    public int countUsers() throws UsersRepositoryException {
        return names().size();
    }

    @Override
    public Iterator<Username> list() throws UsersRepositoryException {
        return names().stream().map(Username::of).iterator();
    }

    private List<String> names() throws UsersRepositoryException {
        try {
            return store.run(connection -> {
                try (PreparedStatement select = connection.prepareStatement("SELECT name FROM " + TABLE + " ORDER BY name");
                     ResultSet rows = select.executeQuery()) {
                    List<String> names = new ArrayList<>();
                    while (rows.next()) {
                        names.add(rows.getString(1));
                    }
                    return names;
                }
            });
        } catch (SQLException e) {
            throw new UsersRepositoryException("cannot list users: " + store.failure(e));
        }
    }
}
