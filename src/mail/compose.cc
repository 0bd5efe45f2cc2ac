// Messages as RFC 5322 text, built with vmime.
#include <fmt/format.h>
#include <vmime/platforms/posix/posixHandler.hpp>
#include <vmime/vmime.hpp>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <random>

#include "common/text.h"
#include "mail/mail.h"

namespace newsdesk {

namespace {

Status CheckEmail(const std::string& email) {
  const size_t at = email.find('@');
  bool ok = at != std::string::npos && at > 0 && at + 1 < email.size() && email.find('@', at + 1) == std::string::npos;
  for (unsigned char ch : email) ok = ok && ch > 0x20 && ch < 0x7f && std::string_view("<>()[],;:\\\"").find(ch) == std::string_view::npos;
  if (!ok) return Status::InvalidArgument(fmt::format("'{}' is not a plain e-mail address", email));
  return Status::Ok();
}

Status CheckAddress(const Address& a, const char* role) {
  ND_RETURN_IF_ERROR(CheckEmail(a.email).WithContext(role));
  if (a.name.find_first_of("\r\n") != std::string::npos || !IsValidUtf8(a.name))
    return Status::InvalidArgument(fmt::format("{}: the name '{}' must be one line of UTF-8", role, a.name));
  return Status::Ok();
}

bool IsHeaderName(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char ch) {
    return std::isalnum(ch) || ch == '-';
  });
}

// Headers that ComposeMessage writes itself may not come in `headers`.
bool IsReserved(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return std::tolower(ch); });
  for (const char* r : {"from", "to", "cc", "bcc", "reply-to", "subject", "date", "message-id", "mime-version"})
    if (name == r) return true;
  return name.rfind("content-", 0) == 0;
}

vmime::mailbox Mailbox(const Address& a) {
  if (a.name.empty()) return vmime::mailbox(vmime::emailAddress(a.email));
  return vmime::mailbox(*vmime::text::newFromString(a.name, vmime::charsets::UTF_8), vmime::emailAddress(a.email));
}

// CrLf gives every line break the CRLF that SMTP requires (vmime passes
// 7-bit text through as it is, and servers refuse bare LFs).
std::string CrLf(const std::string& text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (text[i] == '\n') {
      out += "\r\n";
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string RandomHex(size_t bytes) {
  static thread_local std::random_device device;
  std::string out;
  for (size_t i = 0; i < bytes; ++i) out += fmt::format("{:02x}", device() & 0xff);
  return out;
}

}  // namespace

Result<Address> ParseAddress(const std::string& raw) {
  const std::string text = Trim(raw);
  Address a;
  const size_t open = text.rfind('<');
  if (open == std::string::npos) {
    a.email = text;
  } else {
    const size_t close = text.find('>', open);
    if (close == std::string::npos || close + 1 != text.size())
      return Status::InvalidArgument(fmt::format("'{}' is not \"Name <address>\"", text));
    a.email = text.substr(open + 1, close - open - 1);
    a.name = Trim(text.substr(0, open));
    if (a.name.size() >= 2 && a.name.front() == '"' && a.name.back() == '"') a.name = a.name.substr(1, a.name.size() - 2);
  }
  ND_RETURN_IF_ERROR(CheckAddress(a, "address"));
  return a;
}

Result<std::string> ComposeMessage(const Message& m) {
  ND_RETURN_IF_ERROR(CheckAddress(m.from, "From"));
  if (m.reply_to) ND_RETURN_IF_ERROR(CheckAddress(*m.reply_to, "Reply-To"));
  if (m.to.empty()) return Status::InvalidArgument("a message needs at least one recipient");
  for (const Address& a : m.to) ND_RETURN_IF_ERROR(CheckAddress(a, "To"));
  if (m.subject.find_first_of("\r\n") != std::string::npos || !IsValidUtf8(m.subject))
    return Status::InvalidArgument("the subject must be one line of UTF-8");
  if (!IsValidUtf8(m.text) || (m.html && !IsValidUtf8(*m.html)))
    return Status::InvalidArgument("the body must be UTF-8");
  for (const auto& [name, value] : m.headers) {
    if (!IsHeaderName(name) || IsReserved(name))
      return Status::InvalidArgument(fmt::format("'{}' can't be added as a header", name));
    for (unsigned char ch : value)
      if (ch < 0x20 || ch >= 0x7f)
        return Status::InvalidArgument(fmt::format("the {} header must be one line of printable ASCII", name));
  }

  for (char ch : m.message_id)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '-' && ch != '_')
      return Status::InvalidArgument("a Message-ID may hold only letters, digits, '.', '-' and '_'");

  static std::once_flag platform;
  std::call_once(platform, [] { vmime::platform::setHandler<vmime::platforms::posix::posixHandler>(); });
  try {
    vmime::messageBuilder builder;
    builder.setExpeditor(Mailbox(m.from));
    vmime::addressList to;
    for (const Address& a : m.to) to.appendAddress(vmime::make_shared<vmime::mailbox>(Mailbox(a)));
    builder.setRecipients(to);
    builder.setSubject(*vmime::text::newFromString(m.subject, vmime::charsets::UTF_8));
    if (m.html) {
      builder.constructTextPart(vmime::mediaType(vmime::mediaTypes::TEXT, vmime::mediaTypes::TEXT_HTML));
      auto part = vmime::dynamicCast<vmime::htmlTextPart>(builder.getTextPart());
      part->setCharset(vmime::charsets::UTF_8);
      part->setText(vmime::make_shared<vmime::stringContentHandler>(CrLf(*m.html)));
      part->setPlainText(vmime::make_shared<vmime::stringContentHandler>(CrLf(m.text)));
    } else {
      builder.constructTextPart(vmime::mediaType(vmime::mediaTypes::TEXT, vmime::mediaTypes::TEXT_PLAIN));
      auto part = builder.getTextPart();
      part->setCharset(vmime::charsets::UTF_8);
      part->setText(vmime::make_shared<vmime::stringContentHandler>(CrLf(m.text)));
    }
    vmime::shared_ptr<vmime::message> msg = builder.construct();
    vmime::shared_ptr<vmime::header> header = msg->getHeader();
    if (m.reply_to) header->ReplyTo()->setValue(Mailbox(*m.reply_to));
    const std::string domain = m.from.email.substr(m.from.email.find('@') + 1);
    header->MessageId()->setValue(vmime::messageId(m.message_id.empty() ? RandomHex(16) : m.message_id, domain));
    std::string out = msg->generate();
    // Extra headers go in as written: vmime would encode URLs in angle
    // brackets as encoded-words, which mail clients then can't use
    // (List-Unsubscribe). They were checked to be printable ASCII above;
    // long ones fold after their commas.
    std::string extra;
    for (const auto& [name, value] : m.headers) {
      std::string folded = name + ":";
      size_t line = folded.size();
      size_t start = 0;
      while (start < value.size()) {
        const size_t comma = value.find(", ", start);
        const size_t end = comma == std::string::npos ? value.size() : comma + 1;  // keeps the comma
        const std::string piece = value.substr(start, end - start);
        if (start > 0 && line + 1 + piece.size() > 78) {
          folded += "\r\n";
          line = 0;
        }
        folded += " " + piece;
        line += 1 + piece.size();
        start = comma == std::string::npos ? value.size() : comma + 2;
      }
      extra += folded + "\r\n";
    }
    const size_t end_of_headers = out.find("\r\n\r\n");
    if (end_of_headers == std::string::npos) return Status::Internal("composed message has no header end");
    out.insert(end_of_headers + 2, extra);
    return out;
  } catch (const vmime::exception& e) {
    return Status::Internal(fmt::format("composing a message failed: {}", e.what()));
  } catch (const std::exception& e) {
    return Status::Internal(fmt::format("composing a message failed: {}", e.what()));
  }
}

}  // namespace newsdesk
