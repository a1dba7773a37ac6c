package dev.postern.smtp;

/**
 * The handler chain under its former name: {@code smtpserver.xml} files written before the SMTP
 * server moved to its own module ({@code smtpd}, package {@code dev.postern.smtpd}) name this
 * class as their {@code coreHandlersPackage}, and a container keeps an operator's
 * {@code /etc/postern/smtpserver.xml} across upgrades. New files name
 * {@link dev.postern.smtpd.PosternCmdHandlerLoader}.
 */
public class PosternCmdHandlerLoader extends dev.postern.smtpd.PosternCmdHandlerLoader {
}
