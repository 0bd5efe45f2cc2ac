// File: mail/mail.h
//
// Front door of the mail stage: a `Message` (sender, recipients, subject,
// plain text, optional HTML, extra headers such as List-Unsubscribe), the
// `Mailer` interface that sends one, `SmtpMailer`, which sends through an
// SMTP server with libcurl, and `OutboxMailer`, which writes .eml files. Account mail (issue 6) and the newsletter
// (issue 7) both go through here.
//
//   auto mailer = MakeMailer(config);  // SMTP, or .eml files in DATA/outbox/
//   Message m;
//   m.from = ParseAddress(config.mail_from).value();
//   m.to = {{"", "reader@example.org"}};
//   m.subject = "Подтвердите адрес";
//   m.text = "Откройте ссылку: https://…";
//   Status s = mailer->Send(m);
//   if (s.code() == Code::kUnavailable) { /* retry later */ }
//
// Errors: kUnavailable when trying again later may work (connection
// refused or timed out, a 4xx reply); kInvalidArgument when it won't (a 5xx
// reply such as an unknown recipient or refused log-in, a malformed
// message); the server's reply text is in the message. Passwords never
// appear in messages or logs.
//
// MIME is built with vmime (Debian's libvmime-dev): RFC 2047 encoded-words
// for non-ASCII headers, UTF-8 bodies in base64, multipart/alternative when
// there is HTML, Date and Message-ID.
//
// Thread-safety: `ComposeMessage` and `SmtpMailer::Send` may be called from
// many threads at once. The mailer keeps the connections of finished sends
// open for the next ones (one per thread sending at a time), so a batch of
// mail costs one SMTP session per thread, not one per message.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/config.h"
#include "common/status.h"

namespace newsdesk {

// Address: a mailbox, with an optional display name (any UTF-8).
struct Address {
  std::string name;
  std::string email;  // ASCII local@domain
};

// ParseAddress reads "Name <local@domain>" or "local@domain".
Result<Address> ParseAddress(const std::string& text);

struct Message {
  Address from;
  std::optional<Address> reply_to;
  std::vector<Address> to;
  std::string subject;
  std::string text;                 // the plain-text body, always sent
  std::optional<std::string> html;  // when set: multipart/alternative
  // Extra headers, e.g. {"List-Unsubscribe", "<https://…>"}; ASCII values.
  std::vector<std::pair<std::string, std::string>> headers;
  // The Message-ID's part before '@' ([A-Za-z0-9._-]); empty: random. A
  // fixed one lets a message sent twice be recognised as one.
  std::string message_id;
};

// ComposeMessage renders `message` as RFC 5322 text with CRLF line ends.
// InvalidArgument when an address or header is malformed (a CR or LF in a
// header is always refused: no header injection).
Result<std::string> ComposeMessage(const Message& message);

class Mailer {
 public:
  virtual ~Mailer() = default;
  // Send delivers `message` to every recipient, or fails for all of them.
  virtual Status Send(const Message& message) = 0;
};

struct SmtpSettings {
  std::string url;               // smtp://host:port or smtps://host:port
  std::string username;          // AUTH only when set
  std::string password;
  bool require_tls = false;      // smtp://: STARTTLS must succeed (else: used when offered)
  int timeout_seconds = 60;
  int connect_timeout_seconds = 10;
};

SmtpSettings SmtpSettingsFromConfig(const Config& config);

// RefusedByServer tells a failed Send the server answered (a 4xx or 5xx
// reply about this message) from one that never reached a server willing
// to talk (down, unreachable, timed out): the first concerns a recipient,
// the second everyone.
bool RefusedByServer(const Status& send_status);

// MakeSmtpMailer returns a Mailer that speaks SMTP through libcurl.
std::unique_ptr<Mailer> MakeSmtpMailer(SmtpSettings settings);

// MakeOutboxMailer returns a Mailer that writes each message, as sent, to a
// new `dir`/<time>-….eml file (mode 0600, the folder made when absent). A
// file appears whole or not at all. Unavailable when it cannot be written.
std::unique_ptr<Mailer> MakeOutboxMailer(std::string dir);

// The site's mail goes to the SMTP server of [mail] smtp_url when one is
// set, else into the outbox folder ([mail] outbox, default DATA/outbox), so
// that a new site's confirmations, resets and digests work out of the box.
// MailConfigured is false only when both are empty.
bool MailConfigured(const Config& config);
// OutboxDirectory is the outbox folder in use, "" when mail goes by SMTP or nowhere.
std::string OutboxDirectory(const Config& config);
// MakeMailer returns the site's mailer; nullptr when mail is not configured.
std::unique_ptr<Mailer> MakeMailer(const Config& config);
// MailDestination says where mail goes, for logs ("the outbox folder data/outbox").
std::string MailDestination(const Config& config);

}  // namespace newsdesk
