package dev.postern.address;

import java.util.ArrayList;
import java.util.List;

/**
 * An address as a list of RFC 822 tokens, the form Postfix's {@code tok822} rewrites:
 * atoms, quoted strings, domain literals and the operators {@code @ % ! . : ,} (and the
 * rest of RFC 822's specials). Rewriting works on tokens rather than characters so that an
 * {@code @} inside quotes or brackets is never taken for an operator by accident, and is
 * only ever found there on purpose ({@code resolve_dequoted_address}).
 */
final class AddressTokens {
    enum Type { ATOM, QSTRING, DOMLIT, OP }

    record Token(Type type, String text) {
        static Token op(char c) {
            return new Token(Type.OP, String.valueOf(c));
        }

        boolean is(char operator) {
            return type == Type.OP && text.charAt(0) == operator;
        }

        boolean isWord() {
            return type == Type.ATOM || type == Type.QSTRING;
        }
    }

    /** Characters that end an atom and stand as operators of their own. */
    private static final String OPERATORS = "@%!.:,;<>()[]\"";
    /** RFC 822 specials: a local part with any of them needs quoting. */
    private static final String SPECIALS = "()<>@,;:\\\".[]";

    private AddressTokens() {
    }

    /** The outcome of scanning: the tokens, and whether a quote, literal or comment was left open. */
    record Scan(List<Token> tokens, boolean unterminated) {
    }

    /** Tokenizes external (quoted) text; comments are dropped, white space separates. */
    static Scan scan(String text) {
        List<Token> tokens = new ArrayList<>();
        boolean unterminated = false;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char ch = text.charAt(i);
            if (Character.isWhitespace(ch)) {
                i++;
            } else if (ch == '"') {
                StringBuilder content = new StringBuilder();
                i = scanUntil(text, i + 1, '"', content);
                unterminated |= i < 0;
                i = Math.abs(i);
                tokens.add(new Token(Type.QSTRING, content.toString()));
            } else if (ch == '[') {
                StringBuilder content = new StringBuilder("[");
                i = scanUntil(text, i + 1, ']', content);
                unterminated |= i < 0;
                i = Math.abs(i);
                tokens.add(new Token(Type.DOMLIT, content.append(']').toString()));
            } else if (ch == '(') {
                int depth = 0;
                while (i < n) {
                    char c = text.charAt(i++);
                    if (c == '\\' && i < n) {
                        i++;
                    } else if (c == '(') {
                        depth++;
                    } else if (c == ')' && --depth == 0) {
                        break;
                    }
                }
                unterminated |= depth != 0;
            } else if (OPERATORS.indexOf(ch) >= 0) {
                tokens.add(Token.op(ch));
                i++;
            } else {
                StringBuilder atom = new StringBuilder();
                while (i < n) {
                    char c = text.charAt(i);
                    if (Character.isWhitespace(c) || OPERATORS.indexOf(c) >= 0) {
                        break;
                    }
                    if (c == '\\' && i + 1 < n) {
                        atom.append(c);
                        i++;
                        c = text.charAt(i);
                    }
                    atom.append(c);
                    i++;
                }
                tokens.add(new Token(Type.ATOM, atom.toString()));
            }
        }
        return new Scan(tokens, unterminated);
    }

    /** Scans text this class produced itself, where nothing is left open. */
    static List<Token> tokens(String text) {
        return scan(text).tokens();
    }

    /** The internal (unquoted) form: quoted strings lose their quotes and escapes. */
    static String internalize(List<Token> tokens) {
        StringBuilder out = new StringBuilder();
        Token previous = null;
        for (Token token : tokens) {
            if (previous != null && previous.isWord() && token.isWord()) {
                out.append(' ');
            }
            out.append(token.text());
            previous = token;
        }
        return out.toString();
    }

    /**
     * Postfix's {@code quote_822_local}: the local part (everything before the last
     * {@code @}) is quoted unless it is an RFC 822 dot-string; the domain is left as is.
     */
    static String quoteLocal(String internal) {
        int at = internal.lastIndexOf('@');
        String local = at >= 0 ? internal.substring(0, at) : internal;
        String rest = at >= 0 ? internal.substring(at) : "";
        if (isDotString(local)) {
            return local + rest;
        }
        StringBuilder quoted = new StringBuilder("\"");
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            if (c == '"' || c == '\\' || c == '\r') {
                quoted.append('\\');
            }
            quoted.append(c);
        }
        return quoted.append('"').append(rest).toString();
    }

    private static boolean isDotString(String local) {
        if (local.isEmpty() || local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
            return false;
        }
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            if (c == '.') {
                continue;
            }
            if (c <= ' ' || c == 127 || SPECIALS.indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    static int lastOp(List<Token> tokens, char operator) {
        for (int i = tokens.size() - 1; i >= 0; i--) {
            if (tokens.get(i).is(operator)) {
                return i;
            }
        }
        return -1;
    }

    static int firstOp(List<Token> tokens, char operator) {
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).is(operator)) {
                return i;
            }
        }
        return -1;
    }

    static boolean hasOp(List<Token> tokens, char operator) {
        return firstOp(tokens, operator) >= 0;
    }

    /**
     * Copies the text of a quoted string or domain literal, backslash escapes resolved, into
     * {@code content}, from {@code start} up to the closing character.
     *
     * @return the index after the closing character, or minus the end of the text when the
     *         closing character is missing (unterminated)
     */
    private static int scanUntil(String text, int start, char close, StringBuilder content) {
        int i = start;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i++);
            if (c == '\\' && i < n) {
                content.append(text.charAt(i++));
            } else if (c == close) {
                return i;
            } else {
                content.append(c);
            }
        }
        return -n;
    }
}
