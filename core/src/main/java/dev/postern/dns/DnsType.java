package dev.postern.dns;

/** The record types Postern's checks ask for; TLSA for DANE (RFC 7672). */
public enum DnsType {
    A, AAAA, MX, NS, TXT, PTR, TLSA
}
