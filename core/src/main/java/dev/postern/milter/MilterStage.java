package dev.postern.milter;

/**
 * The events whose macros a filter may ask for, with the stage number of the negotiation reply,
 * the letter the {@code D} packet names, and Postfix's parameter of the macro names.
 */
public enum MilterStage {
    CONNECT(0, 'C', "milter_connect_macros"),
    HELO(1, 'H', "milter_helo_macros"),
    MAIL(2, 'M', "milter_mail_macros"),
    RCPT(3, 'R', "milter_rcpt_macros"),
    DATA(4, 'T', "milter_data_macros"),
    END_OF_MESSAGE(5, 'E', "milter_end_of_data_macros"),
    END_OF_HEADERS(6, 'N', "milter_end_of_header_macros");

    private final int number;
    private final char command;
    private final String parameter;

    MilterStage(int number, char command, String parameter) {
        this.number = number;
        this.command = command;
        this.parameter = parameter;
    }

    public int number() {
        return number;
    }

    public char command() {
        return command;
    }

    public String parameter() {
        return parameter;
    }

    static MilterStage ofNumber(int number) {
        for (MilterStage stage : values()) {
            if (stage.number == number) {
                return stage;
            }
        }
        return null;
    }
}
