package dev.petrel.status;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Replies in the recipient's language, one cause at a time (the rules {@code lang-*} in
 * rules-mta.txt, whose comments cite the help pages the words come from). Each row is built from
 * the wording those pages give for the cause, with a code and an address of our own; the rows with
 * a sender's, a login's or outgoing mail's words check that those never read as a dead recipient.
 */
class OtherLanguagesTest {

  private static final StatusEngine ENGINE = StatusEngine.standard();

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // Portuguese (bs2internet.com, br.ccm.net, psafe.com).
        "550 5.1.1 <bob@example.org>: usuário desconhecido | userunknown | hard",
        "550 Conta inexistente | userunknown | hard",
        "552 5.2.2 Caixa postal cheia | mailboxfull | soft",
        "550 A caixa de entrada do destinatário está cheia | mailboxfull | soft",
        "550 Conta desativada | suspend | hard",
        "552 Mensagem muito grande | emailtoolarge | soft",
        "550 5.7.1 Limite de envio excedido | ratelimited | soft",
        "550 Mensagem considerada spam | spamdetected | soft",
        "554 IP 192.0.2.1 consta em lista negra | blocked | soft",
        "550 Domínio inexistente | hostunknown | hard",
        "550 Remetente desconhecido: usuário desconhecido | rejected | soft",
        "553 Sua conta foi bloqueada | rejected | soft",
        // Dutch (weboke.nl, strato.nl).
        "550 5.1.1 Gebruiker onbekend | userunknown | hard",
        "550 Het e-mailadres bestaat niet | userunknown | hard",
        "452 4.2.2 Mailbox is vol | mailboxfull | soft",
        "552 Het postvak van de ontvanger is vol | mailboxfull | soft",
        "552 Bericht is te groot | emailtoolarge | soft",
        "421 Te veel verbindingen vanaf uw IP | ratelimited | soft",
        "550 Bericht als spam aangemerkt | spamdetected | soft",
        "550 Domein bestaat niet | hostunknown | hard",
        // Russian (mailout.ru on Mail.ru's errors, yandex.com's bounce table).
        "550 Пользователь не найден | userunknown | hard",
        "550 5.1.1 Нет такого пользователя | userunknown | hard",
        "552 Почтовый ящик получателя переполнен | mailboxfull | soft",
        "550 Ящик заблокирован | suspend | soft",
        "552 Письмо слишком большое | emailtoolarge | soft",
        "451 Слишком много писем, повторите позже | ratelimited | soft",
        "554 Письмо отклонено по подозрению на спам | spamdetected | soft",
        "550 IP 192.0.2.1 находится в чёрном списке | blocked | soft",
        "450 Серый список, повторите попытку позже | greylisted | soft",
        "550 Домен не существует | hostunknown | hard",
        "550 Обратный адрес не существует | rejected | soft",
        "535 Ошибка авторизации: пользователь не найден | securityerror | soft",
        // Spanish (alexborras.com, adslzone.net).
        "550 Usuario inexistente | userunknown | hard",
        "550 La cuenta de correo electrónico no existe | userunknown | hard",
        "552 Buzón lleno | mailboxfull | soft",
        "550 Cuenta deshabilitada | suspend | hard",
        "552 Mensaje demasiado grande | emailtoolarge | soft",
        // Exchange Online's Spanish NDR for a domain that does not exist (pastebin.com/a6MD8UcR).
        "550 5.4.310 El DNS ha informado que el dominio del destinatario no existe | hostunknown | hard",
        "451 Lista gris: inténtelo más tarde | greylisted | soft",
        // French (arobase.org, assistance.email, jeanboulanger.com).
        "550 Destinataire inconnu | userunknown | hard",
        "552 Boîte aux lettres pleine | mailboxfull | soft",
        "552 Message trop volumineux | emailtoolarge | soft",
        "421 Trop de connexions | ratelimited | soft",
        "550 Domaine introuvable | hostunknown | hard",
        "550 Votre compte est suspendu | rejected | soft",
        // French relaying refused (Microsoft's KB 290842 in French, support.microsoft.com).
        "550 5.7.1 <carol@example.org>: relais refusé | norelaying | soft",
        "554 Relais non autorisé pour carol@example.org | norelaying | soft",
        // Relaying refused in German, Spanish, Italian, Portuguese, Japanese and Chinese
        // (Microsoft's
        // relay article in those languages; a Chinese server's reply table), qmail's rcpthosts
        // translated.
        "550 5.7.1 <carol@example.org>: Relay nicht erlaubt | norelaying | soft",
        "550 <carol@example.org>... Retransmisión no permitida | norelaying | soft",
        "550 5.7.1 Inoltro non consentito per carol@example.org | norelaying | soft",
        "550 <carol@example.org>... Reencaminhamento negado | norelaying | soft",
        "550 5.7.1 <carol@example.org>: 中継拒否 | norelaying | soft",
        "553 5.7.1 拒绝中继 | norelaying | soft",
        "553 ese dominio no está en mi lista de rcpthosts permitidos (#5.7.1) | norelaying | soft",
        // Forwarding turned off is no relay refusal.
        "550 5.7.1 Inoltro automatico disattivato per questa casella | blocked | soft",
        // German (GMX's newsroom, schieb.de).
        "550 Unbekannter Empfänger | userunknown | hard",
        "552 Nachricht ist zu groß | emailtoolarge | soft",
        "421 Zu viele Nachrichten, bitte später erneut versuchen | ratelimited | soft",
        "550 Als Spam eingestuft | spamdetected | soft",
        // German account storage exceeded (bytecamp.net's FAQ).
        "452 Der Speicherplatz des Kontos ist überschritten | mailboxfull | soft",
        "550 Absender existiert nicht | rejected | soft",
        // Italian (aiuto.libero.it).
        "550 Utente sconosciuto | userunknown | hard",
        "552 Casella piena | mailboxfull | soft",
        "552 Messaggio troppo grande | emailtoolarge | soft",
        // Italian: the sending IP blocked, and a certified (PEC) box closed to ordinary mail, whose
        // "sconosciuto o non abilitato" never proves a dead address (guide.pec.it).
        "421 Indirizzo IP bloccato temporaneamente per sospetto abuso | blocked | soft",
        "554 <rossi@pec.example.org>: Messaggio rifiutato dal sistema. Indirizzo destinatario"
            + " sconosciuto o non abilitato alla ricezione di posta non certificata | filtered | soft",
        "550 Destinatario sconosciuto o non abilitato alla ricezione | onhold | soft",
        // Chinese and Japanese (mysdqq.cn, xiayuyun.com, Coremail's support pages).
        "552 收件人邮箱已满 | mailboxfull | soft",
        "550 发送频率过快 | ratelimited | soft",
        "554 IP在黑名单中 | blocked | soft",
        "550 宛先不明 | userunknown | hard",
        // A frozen account (NetEase's and Alibaba Mail's help on freezing) is a lock, soft.
        "550 账号已冻结 | suspend | soft",
      })
  void readsTheCauseInTheRepliesLanguage(String reply, String reason, String bounce) {
    ReplyStatus s = ENGINE.classify(reply);
    assertThat(s.reason().id()).as("%s (matched %s)", reply, s.matched()).isEqualTo(reason);
    assertThat(s.bounce().id()).as("%s (matched %s)", reply, s.matched()).isEqualTo(bounce);
  }
}
