package dev.postern.milter;

/**
 * The numbers of the Sendmail milter protocol, version 6, as Postfix speaks it: command and reply
 * letters, the action bits a filter may ask for and the protocol bits by which it declines events
 * or their replies.
 */
public final class MilterProtocol {
    public static final int VERSION = 6;

    /** Every action Postfix offers (ADDHDRS through SETSYMLIST). */
    public static final int ALL_ACTIONS = 0x1FF;
    /** Every protocol bit of version 6. */
    public static final int ALL_PROTOCOL = 0x1FFFFF;

    public static final int NOCONNECT = 0x1;
    public static final int NOHELO = 0x2;
    public static final int NOMAIL = 0x4;
    public static final int NORCPT = 0x8;
    public static final int NOBODY = 0x10;
    public static final int NOHDRS = 0x20;
    public static final int NOEOH = 0x40;
    public static final int NR_HDR = 0x80;
    public static final int NOUNKNOWN = 0x100;
    public static final int NODATA = 0x200;
    public static final int SKIP = 0x400;
    public static final int RCPT_REJ = 0x800;
    public static final int NR_CONN = 0x1000;
    public static final int NR_HELO = 0x2000;
    public static final int NR_MAIL = 0x4000;
    public static final int NR_RCPT = 0x8000;
    public static final int NR_DATA = 0x10000;
    public static final int NR_UNKN = 0x20000;
    public static final int NR_EOH = 0x40000;
    public static final int NR_BODY = 0x80000;
    public static final int HDR_LEADSPC = 0x100000;

    /** The largest body chunk one {@code B} packet carries. */
    public static final int BODY_CHUNK = 65535;

    private MilterProtocol() {
    }
}
