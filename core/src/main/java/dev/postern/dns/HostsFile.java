package dev.postern.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.postern.address.HostSyntax;

/**
 * /etc/hosts, as the C library reads it before DNS ({@code hosts: files dns}). Postfix finds
 * the client's name with getnameinfo() and confirms it with getaddrinfo(), both of which
 * consult this file first: that is why {@code 127.0.0.1} is {@code localhost[127.0.0.1]} in
 * its logs without any DNS. Read once; an unreadable file counts as empty.
 */
public final class HostsFile {
    public static final Path SYSTEM = Path.of("/etc/hosts");

    private final Map<String, String> nameByAddress;
    private final Map<String, List<String>> addressesByName;

    private HostsFile(Map<String, String> nameByAddress, Map<String, List<String>> addressesByName) {
        this.nameByAddress = Map.copyOf(nameByAddress);
        this.addressesByName = Map.copyOf(addressesByName);
    }

    public static HostsFile empty() {
        return new HostsFile(Map.of(), Map.of());
    }

    public static HostsFile read(Path file) {
        try {
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return empty();
        } catch (IOException e) {
            return empty();
        }
    }

    /** Lines {@code address name [alias...]}; {@code #} starts a comment. */
    public static HostsFile parse(List<String> lines) {
        Map<String, String> nameByAddress = new LinkedHashMap<>();
        Map<String, List<String>> addressesByName = new LinkedHashMap<>();
        for (String line : lines) {
            int hash = line.indexOf('#');
            String[] fields = (hash < 0 ? line : line.substring(0, hash)).trim().split("\\s+");
            if (fields.length < 2 || !HostSyntax.isValidHostAddress(fields[0])) {
                continue;
            }
            String address = HostSyntax.canonicalAddress(fields[0]);
            // The first line that lists an address gives its name, as gethostbyaddr() answers.
            nameByAddress.putIfAbsent(address, fields[1]);
            for (int i = 1; i < fields.length; i++) {
                addressesByName.computeIfAbsent(fields[i].toLowerCase(Locale.ROOT), n -> new ArrayList<>()).add(address);
            }
        }
        addressesByName.replaceAll((name, addresses) -> List.copyOf(addresses));
        return new HostsFile(nameByAddress, addressesByName);
    }

    public Optional<String> nameOf(InetAddress address) {
        return Optional.ofNullable(nameByAddress.get(HostSyntax.canonicalAddress(address.getHostAddress())));
    }

    /** The addresses listed for a name (textual, canonical form); empty when the file does not name it. */
    public List<String> addressesOf(String name) {
        return addressesByName.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }
}
