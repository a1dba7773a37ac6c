package dev.postern.cleanup;

/**
 * The four kinds of content cleanup inspects, each with its own main.cf table list: Postfix
 * names the list in warnings ({@code unknown command in header_checks map}) and the kind of
 * content in log lines ({@code reject: header ...}, {@code reject: body ...}).
 */
public enum ContentClass {
    /** Headers of the message itself, other than its MIME headers. */
    HEADER("header_checks", "header"),
    /** MIME headers ({@code Content-*}, {@code MIME-Version}) anywhere, and every header of a body part. */
    MIME_HEADER("mime_header_checks", "header"),
    /** Non-MIME headers of an attached {@code message/rfc822}. */
    NESTED_HEADER("nested_header_checks", "header"),
    /** Everything else, one line at a time, MIME boundary lines included. */
    BODY("body_checks", "body"),
    /**
     * Headers a milter adds or changes at end of message ({@code milter_header_checks}), checked
     * before they are applied; their log lines say {@code milter-header-reject} and the like.
     */
    MILTER_HEADER("milter_header_checks", "header");

    private final String parameter;
    private final String context;

    ContentClass(String parameter, String context) {
        this.parameter = parameter;
        this.context = context;
    }

    /** The action as the log line names it: {@code reject}, or for a milter's header {@code milter-header-reject}. */
    public String logged(String action) {
        return this == MILTER_HEADER ? "milter-" + context + "-" + action : action;
    }

    /** The main.cf parameter that lists this class's tables. */
    public String parameter() {
        return parameter;
    }

    /** {@code header} or {@code body}, as the log lines say. */
    public String context() {
        return context;
    }

    public boolean isHeader() {
        return this != BODY;
    }
}
