#!/usr/bin/env bash
# Runs every Postern test: unit tests, the end-to-end tests against the packaged
# distribution (mvn verify), and the container image test (docker/test-image.sh). Installs
# the Debian packages the tests use when they are missing; services among them are installed
# without being started (the tests start their own instances on loopback ports).
set -euo pipefail
cd "$(dirname "$0")"

packages=()
command -v swaks >/dev/null 2>&1 || packages+=(swaks)
command -v smtp-source >/dev/null 2>&1 || packages+=(postfix)
command -v pflogsumm >/dev/null 2>&1 || packages+=(pflogsumm)
command -v nmap >/dev/null 2>&1 || packages+=(nmap)
# LogForgeryIT reads the mail log with fail2ban's Debian filter (installed without starting its service).
command -v fail2ban-regex >/dev/null 2>&1 || packages+=(fail2ban)
# The DNS restriction tests run their own DNS server (dnsmasq-base has no system service).
[ -x /usr/sbin/dnsmasq ] || command -v dnsmasq >/dev/null 2>&1 || packages+=(dnsmasq-base)
# Dovecot takes mail over LMTP from Postern's lmtp agent and serves Maildirs over IMAP in the
# interoperability tests (installed without starting its service).
[ -x /usr/lib/dovecot/lmtp ] || packages+=(dovecot-lmtpd)
[ -x /usr/lib/dovecot/imap ] || packages+=(dovecot-imapd)
# DovecotSaslIT runs Dovecot as nothing but the auth service of smtpd_sasl_type = dovecot.
[ -x /usr/sbin/dovecot ] || packages+=(dovecot-core)
# OpenDkimMilterIT runs OpenDKIM as the milter that signs relayed mail (opendkim-genkey, in opendkim-tools,
# makes its key; a second opendkim in test mode verifies the relayed copy).
[ -x /usr/sbin/opendkim ] || packages+=(opendkim)
[ -x /usr/sbin/opendkim-genkey ] || packages+=(opendkim-tools)
# RspamdMilterIT runs rspamd's milter proxy with a configuration of its own (installed without
# starting its service).
command -v rspamd >/dev/null 2>&1 || packages+=(rspamd)
# The container image test (docker/test-image.sh) builds a Java base with debootstrap and runs
# the image with podman (runc: crun fails on some cgroup layouts); its certificate comes from openssl.
command -v podman >/dev/null 2>&1 || packages+=(podman)
command -v runc >/dev/null 2>&1 || packages+=(runc)
command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || packages+=(debootstrap)
command -v openssl >/dev/null 2>&1 || packages+=(openssl)
# The policy service tests (PolicyServiceIT) start their own postgrey and policyd-spf on loopback
# (installed without starting postgrey's service).
command -v postgrey >/dev/null 2>&1 || packages+=(postgrey)
command -v policyd-spf >/dev/null 2>&1 || packages+=(postfix-policyd-spf-python)
# The SQL table tests (PgsqlTableTest, MysqlTableTest, SqlTablesIT) start their own PostgreSQL 15 and
# MariaDB on loopback, in temporary directories (installed without starting their services).
[ -x /usr/lib/postgresql/15/bin/initdb ] || packages+=(postgresql-15)
command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || packages+=(mariadb-server)
command -v mariadb >/dev/null 2>&1 || packages+=(mariadb-client)
# The ldap: table tests (LdapTableTest, LdapTablesIT) start their own OpenLDAP slapd with a private
# slapd.conf and load it with slapadd (installed without starting its service); ldap-utils for
# looking at it by hand.
[ -x /usr/sbin/slapd ] || packages+=(slapd)
command -v ldapsearch >/dev/null 2>&1 || packages+=(ldap-utils)
# PrometheusIT starts its own Prometheus on a loopback port (installed without starting its
# service) and checks the shipped alert rules with promtool; the status page test loads /status
# in headless Chromium.
command -v prometheus >/dev/null 2>&1 || packages+=(prometheus)
command -v promtool >/dev/null 2>&1 || packages+=(prometheus)
command -v chromium >/dev/null 2>&1 || packages+=(chromium)
# The DANE tests (DnsjavaDnssecLookupTest, SmtpCourierDaneTest) sign zones with ldnsutils' ldns-keygen and
# ldns-signzone and serve them with their own NSD on loopback (installed without starting its service).
command -v ldns-signzone >/dev/null 2>&1 || packages+=(ldnsutils)
[ -x /usr/sbin/nsd ] || packages+=(nsd)

if [ ${#packages[@]} -gt 0 ]; then
    echo "test.sh: installing ${packages[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    # Keep Debian from starting Postfix, Dovecot, OpenDKIM, rspamd, fail2ban, PostgreSQL, MariaDB, slapd, Prometheus, NSD (or podman's units) as system services during the install.
    policy=/usr/sbin/policy-rc.d
    created_policy=no
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
        $sudo chmod +x "$policy"
        created_policy=yes
    fi
    echo "postfix postfix/main_mailer_type select No configuration" | $sudo debconf-set-selections
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
    [ "$created_policy" = no ] || $sudo rm -f "$policy"
fi

mvn -B verify "$@"

# The container image, from the distribution mvn verify just packaged, built and run for real.
docker/test-image.sh
