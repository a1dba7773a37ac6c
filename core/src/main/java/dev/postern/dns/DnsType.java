package dev.postern.dns;

/** The record types Postern's checks ask for. */
public enum DnsType {
    A, AAAA, MX, NS, TXT, PTR
}
