package dev.postern.app.status;

import java.util.Arrays;

/**
 * A small bar chart of per-minute counts as inline SVG, drawn by the server so that the status
 * page needs no script and no external asset. The SVG carries its own text alternative.
 */
final class Sparkline {
    private static final int BAR_WIDTH = 5;
    private static final int HEIGHT = 40;

    private Sparkline() {
    }

    /**
     * @param values one count per minute, the oldest first
     * @param label  what is counted, such as {@code messages received per minute}
     */
    static String svg(long[] values, String label) {
        long max = Math.max(1, Arrays.stream(values).max().orElse(0));
        long total = Arrays.stream(values).sum();
        String description = label + " over the last " + values.length + " minutes: " + total + " in all, at most " + max
            + " in a minute";
        StringBuilder svg = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"")
            .append(values.length * BAR_WIDTH).append("\" height=\"").append(HEIGHT).append("\" aria-label=\"")
            .append(Html.escape(description)).append("\"><title>").append(Html.escape(description)).append("</title>")
            .append("<rect width=\"100%\" height=\"100%\" fill=\"#f4f4f4\"/>");
        for (int i = 0; i < values.length; i++) {
            long height = values[i] == 0 ? 0 : Math.max(1, values[i] * HEIGHT / max);
            svg.append("<rect x=\"").append(i * BAR_WIDTH).append("\" y=\"").append(HEIGHT - height)
                .append("\" width=\"").append(BAR_WIDTH - 1).append("\" height=\"").append(height)
                .append("\" fill=\"#2a6ebb\"/>");
        }
        return svg.append("</svg>").toString();
    }
}
