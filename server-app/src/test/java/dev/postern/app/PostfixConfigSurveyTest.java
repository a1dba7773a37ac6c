package dev.postern.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;

import org.junit.jupiter.api.Test;

class PostfixConfigSurveyTest {
    private static final List<String> MAIN_CF = List.of(
        "myhostname = mx.example",
        "biff = no",
        "smtpd_proxy_filter = 127.0.0.1:10024",
        "smtpd_discard_ehlo_keywords =",
        "site_checks = check_client_access cidr:/etc/postfix/clients.cidr",
        "smtpd_relay_restrictions = $site_checks, permit_mynetworks, reject_unauth_destination",
        "virtual_alias_maps = hash:/etc/postfix/virtual, mongodb:/etc/postfix/mongodb-virtual.cf",
        "smtpd_policy = check_policy_service unix:private/policyd",
        "local_recipient_maps = unix:passwd.byname $alias_maps",
        "relayhots = [smarthost]",
        "postern_smtpd_listen = 127.0.0.1:2525");

    @Test
    void eachParameterByWhatPosternDoesWithIt() {
        PostfixConfigSurvey survey = PostfixConfigSurvey.of(MAIN_CF, List.of());

        assertThat(names(survey, PostfixConfigSurvey.Kind.IMPLEMENTED)).containsExactly("myhostname",
            "smtpd_relay_restrictions", "virtual_alias_maps", "postern_smtpd_listen");
        assertThat(names(survey, PostfixConfigSurvey.Kind.INERT)).containsExactly("biff");
        assertThat(names(survey, PostfixConfigSurvey.Kind.NOT_IMPLEMENTED)).containsExactly("smtpd_proxy_filter",
            "smtpd_discard_ehlo_keywords", "local_recipient_maps");
        assertThat(names(survey, PostfixConfigSurvey.Kind.USER_DEFINED)).containsExactly("site_checks");
        assertThat(names(survey, PostfixConfigSurvey.Kind.UNUSED)).containsExactly("smtpd_policy", "relayhots");
        assertThat(survey.settings(PostfixConfigSurvey.Kind.NOT_IMPLEMENTED))
            .extracting(PostfixConfigSurvey.Setting::safety, PostfixConfigSurvey.Setting::postfixDefault)
            .as("a proxy filter stops a start; an empty smtpd_discard_ehlo_keywords is Postfix's default; local_recipient_maps is ignored")
            .containsExactly(tuple(true, false), tuple(false, true), tuple(false, false));
    }

    @Test
    void tablesByTypeSocketsAreNoTables() {
        PostfixConfigSurvey survey = PostfixConfigSurvey.of(MAIN_CF,
            List.of("submission inet n - y - - smtpd", "  -o smtpd_sender_restrictions=regexp:/etc/postfix/senders"));

        assertThat(survey.tables()).extracting(PostfixConfigSurvey.Table::spec, PostfixConfigSurvey.Table::supported)
            .containsExactly(
                tuple("cidr:/etc/postfix/clients.cidr", true),
                tuple("hash:/etc/postfix/virtual", true),
                tuple("mongodb:/etc/postfix/mongodb-virtual.cf", false),
                tuple("unix:passwd.byname", false),
                tuple("regexp:/etc/postfix/senders", true));
        assertThat(PostfixConfigSurvey.of(List.of("virtual_alias_maps = pgsql:/etc/postfix/virtual.cf"), List.of())
            .tables()).extracting(PostfixConfigSurvey.Table::supported).as("pgsql: tables are read").containsExactly(true);
        assertThat(survey.lines()).contains("tables: 5 named, 2 of a type Postern does not read",
            "  mongodb:/etc/postfix/mongodb-virtual.cf: NOT supported (mongodb)");
        assertThat(survey.lines()).anyMatch(line -> line.startsWith("  not implemented: smtpd_proxy_filter (line 3: stops a start"));
    }

    @Test
    void aProxyTableIsSupportedWhenTheTableBehindItIs() {
        PostfixConfigSurvey survey = PostfixConfigSurvey.of(List.of(
            "virtual_mailbox_maps = proxy:ldap:/etc/postfix/ldap-mailboxes.cf, proxy:nis:mail.aliases",
            "smtpd_recipient_restrictions = check_recipient_access socketmap:inet:127.0.0.1:8600:access, tcp:[::1]:9000"),
            List.of());

        assertThat(survey.tables()).extracting(PostfixConfigSurvey.Table::spec, PostfixConfigSurvey.Table::supported)
            .contains(tuple("proxy:ldap:/etc/postfix/ldap-mailboxes.cf", true), tuple("proxy:nis:mail.aliases", false),
                tuple("socketmap:inet:127.0.0.1:8600:access", true));
    }

    private static List<String> names(PostfixConfigSurvey survey, PostfixConfigSurvey.Kind kind) {
        return survey.settings(kind).stream().map(PostfixConfigSurvey.Setting::name).toList();
    }
}
