package dev.postern.config;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every parameter Postfix 3.7 defines, with its default and what Postern does with it, read from
 * the data file {@code postfix-parameters.tsv} beside this class (generated from Debian's
 * {@code postconf -d}; see {@code PostfixParameterFileTest}).
 *
 * <p>Whether a name is implemented is never taken from the file alone: Postern's own table
 * ({@link Parameters}) decides, so a row added there is implemented at once and the file's test
 * asks for the file to be regenerated.
 */
public final class PostfixParameters {
    /** The data file, a resource beside this class. */
    static final String RESOURCE = "postfix-parameters.tsv";

    private static final Map<String, PostfixParameter> FILE = read();

    private PostfixParameters() {
    }

    /** Whether Postfix defines {@code name}. */
    public static boolean defines(String name) {
        return FILE.containsKey(name);
    }

    /** The Postfix parameter of that name, with its status as Postern decides it today. */
    public static Optional<PostfixParameter> find(String name) {
        PostfixParameter row = FILE.get(name);
        return row == null ? Optional.empty() : Optional.of(withCurrentStatus(row));
    }

    /** Every Postfix parameter, in name order, with its status as Postern decides it today. */
    public static List<PostfixParameter> all() {
        List<PostfixParameter> rows = new ArrayList<>(FILE.size());
        for (PostfixParameter row : FILE.values()) {
            rows.add(withCurrentStatus(row));
        }
        return List.copyOf(rows);
    }

    /**
     * The status of any name: implemented for Postern's own ({@code postern_*} included), the
     * file's status for the rest of Postfix's, empty for a name neither defines.
     */
    public static Optional<ParameterStatus> status(String name) {
        if (Parameters.isKnown(name)) {
            return Optional.of(ParameterStatus.IMPLEMENTED);
        }
        return find(name).map(PostfixParameter::status);
    }

    /** The rows exactly as the file has them, for the test that keeps the file in step with the table. */
    static Collection<PostfixParameter> fileRows() {
        return FILE.values();
    }

    private static PostfixParameter withCurrentStatus(PostfixParameter row) {
        ParameterStatus status = Parameters.isKnown(row.name()) ? ParameterStatus.IMPLEMENTED
            : row.status() == ParameterStatus.IMPLEMENTED ? ParameterStatus.NOT_IMPLEMENTED
            : row.status();
        return status == row.status() ? row
            : new PostfixParameter(row.name(), status, row.safety(), row.postfixDefault(), row.note());
    }

    private static Map<String, PostfixParameter> read() {
        try (InputStream in = PostfixParameters.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource missing: " + RESOURCE);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            Map<String, PostfixParameter> rows = new LinkedHashMap<>();
            int number = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                number++;
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                PostfixParameter row = parse(line, number);
                rows.put(row.name(), row);
            }
            return Collections.unmodifiableMap(rows);
        } catch (IOException e) {
            throw new UncheckedIOException(RESOURCE + ": cannot read", e);
        }
    }

    /** {@code name<TAB>status<TAB>safety<TAB>default<TAB>note}. */
    static PostfixParameter parse(String line, int number) {
        String[] fields = line.split("\t", -1);
        if (fields.length != 5) {
            throw new IllegalStateException(RESOURCE + ", line " + number + ": expected 5 tab-separated fields, found "
                + fields.length);
        }
        return new PostfixParameter(fields[0], ParameterStatus.fromLabel(fields[1]), fields[2].equals("yes"),
            fields[3], fields[4]);
    }

    /** The line {@link #parse} reads back. */
    static String format(PostfixParameter row) {
        return row.name() + "\t" + row.status().label() + "\t" + (row.safety() ? "yes" : "no") + "\t"
            + row.postfixDefault() + "\t" + row.note();
    }
}
