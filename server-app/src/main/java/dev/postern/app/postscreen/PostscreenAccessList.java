package dev.postern.app.postscreen;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

import dev.postern.address.NetworkList;
import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;

/**
 * {@code postscreen_access_list}: the permanent allow and deny list, evaluated left to right until
 * an item decides. {@code permit_mynetworks} permits a client in mynetworks; a {@code cidr:} (or any
 * other) table's value {@code permit}, {@code reject} or {@code dunno} decides, or not, for the
 * client's address.
 */
public final class PostscreenAccessList {
    /** The list's verdict for one client. */
    public enum Verdict { PERMIT, REJECT, DUNNO }

    private interface Item {
        Verdict evaluate(InetAddress client) throws LookupException;
    }

    private final List<Item> items;

    private PostscreenAccessList(List<Item> items) {
        this.items = List.copyOf(items);
    }

    /**
     * @param items      the parameter's list items
     * @param mynetworks the client networks {@code permit_mynetworks} permits
     * @param tables     opens a {@code type:table} item
     * @throws IllegalArgumentException naming {@code postscreen_access_list} and the item it cannot use
     */
    public static PostscreenAccessList parse(List<String> items, NetworkList mynetworks,
                                             Function<String, LookupTable> tables) {
        List<Item> parsed = new ArrayList<>();
        for (String item : items) {
            String lower = item.toLowerCase(Locale.ROOT);
            if (lower.equals("permit_mynetworks")) {
                parsed.add(client -> mynetworks.contains(client) ? Verdict.PERMIT : Verdict.DUNNO);
            } else if (item.indexOf(':') > 0) {
                LookupTable table = tables.apply(item);
                parsed.add(client -> tableVerdict(table, client));
            } else {
                throw new IllegalArgumentException("postscreen_access_list: \"" + item
                    + "\" is neither permit_mynetworks nor a type:table (such as cidr:/etc/postfix/postscreen_access.cidr)");
            }
        }
        return new PostscreenAccessList(parsed);
    }

    /** The first item's verdict that is not DUNNO, or DUNNO. A table that fails is DUNNO, as Postfix logs and goes on. */
    public Verdict evaluate(InetAddress client) {
        for (Item item : items) {
            Verdict verdict;
            try {
                verdict = item.evaluate(client);
            } catch (LookupException e) {
                verdict = Verdict.DUNNO;
            }
            if (verdict != Verdict.DUNNO) {
                return verdict;
            }
        }
        return Verdict.DUNNO;
    }

    private static Verdict tableVerdict(LookupTable table, InetAddress client) throws LookupException {
        Optional<String> value = table.lookup(client.getHostAddress());
        if (value.isEmpty()) {
            return Verdict.DUNNO;
        }
        String action = value.get().trim().split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
        return switch (action) {
            case "permit" -> Verdict.PERMIT;
            case "reject" -> Verdict.REJECT;
            default -> Verdict.DUNNO;
        };
    }
}
