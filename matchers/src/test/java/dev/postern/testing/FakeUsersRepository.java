package dev.postern.testing;

import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.user.api.UsersRepositoryException;
import org.apache.james.user.api.model.User;
import org.reactivestreams.Publisher;

/** A virtual-hosting users repository holding names only; {@link #failing()} makes lookups fail. */
public final class FakeUsersRepository implements UsersRepository {
    private final Set<String> users = new TreeSet<>();
    private boolean failing;

    public FakeUsersRepository(String... names) {
        for (String name : names) {
            users.add(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    public FakeUsersRepository failing() {
        failing = true;
        return this;
    }

    @Override
    public boolean contains(Username name) throws UsersRepositoryException {
        if (failing) {
            throw new UsersRepositoryException("connection refused");
        }
        return users.contains(name.asString());
    }

    @Override
    public boolean supportVirtualHosting() {
        return true;
    }

    @Override
    public void addUser(Username username, String password) {
        throw new UnsupportedOperationException();
    }

    @Override
    public User getUserByName(Username name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void updateUser(User user) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void removeUser(Username name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Publisher<Boolean> containsReactive(Username name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean test(Username name, String password) {
        throw new UnsupportedOperationException();
    }

    @Override
    public int countUsers() {
        return users.size();
    }

    @Override
    public Iterator<Username> list() {
        return users.stream().map(Username::of).iterator();
    }

    @Override
    public Publisher<Username> listReactive() {
        throw new UnsupportedOperationException();
    }

    @Override
    public MailAddress getMailAddressFor(Username username) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean isAdministrator(Username username) {
        return false;
    }

    @Override
    public boolean isReadOnly() {
        return true;
    }
}
