#include "import/demo.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <toml++/toml.h>

#include "common/time.h"
#include "import/importer.h"

namespace newsdesk {

namespace {

using nlohmann::json;

const char* const kEnglishMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                      "July",    "August",   "September", "October", "November", "December"};
// Russian dates name the month in the genitive: "1 ноября".
const char* const kRussianMonths[] = {"января", "февраля", "марта",    "апреля",  "мая",    "июня",
                                      "июля",   "августа", "сентября", "октября", "ноября", "декабря"};

std::string Ordinal(int day) {
  const char* suffix = "th";
  if (day % 100 < 11 || day % 100 > 13) {
    if (day % 10 == 1) suffix = "st";
    if (day % 10 == 2) suffix = "nd";
    if (day % 10 == 3) suffix = "rd";
  }
  return std::to_string(day) + suffix;
}

bool HasCyrillic(const std::string& s) {
  // Cyrillic letters are U+0400..U+04FF: lead bytes 0xD0..0xD3 in UTF-8.
  return std::any_of(s.begin(), s.end(), [](char c) {
    auto b = static_cast<unsigned char>(c);
    return b >= 0xD0 && b <= 0xD3;
  });
}

std::string FormatWithOffset(TimePoint t, int offset_minutes) {
  CivilTime c = ToCivil(t, offset_minutes);
  int off = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{:02}:{:02}", c.year, c.month, c.day, c.hour, c.minute,
                     c.second, offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": cannot read");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Result<DemoDiscussion> ParseDiscussion(const std::string& path, const std::string& text) {
  toml::table doc;
  try {
    doc = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument(
        fmt::format("{}:{}: {}", path, e.source().begin.line, std::string(e.description())));
  }
  DemoDiscussion d;
  std::map<std::string, int> reader_index, comment_index;
  int n = 0;
  if (auto* readers = doc["readers"].as_array()) {
    for (auto& node : *readers) {
      ++n;
      auto* r = node.as_table();
      auto id = r ? (*r)["id"].value<std::string>() : std::nullopt;
      auto email = r ? (*r)["email"].value<std::string>() : std::nullopt;
      auto name = r ? (*r)["name"].value<std::string>() : std::nullopt;
      if (!id || !email || !name)
        return Status::InvalidArgument(fmt::format("{}: reader {}: needs id, email and name", path, n));
      reader_index[*id] = static_cast<int>(d.readers.size());
      d.readers.push_back({*email, *name});
    }
  }
  n = 0;
  if (auto* comments = doc["comments"].as_array()) {
    for (auto& node : *comments) {
      ++n;
      auto* c = node.as_table();
      if (!c) return Status::InvalidArgument(fmt::format("{}: comment {}: not a table", path, n));
      auto article = (*c)["article"].value<std::string>();
      auto reader = (*c)["reader"].value<std::string>();
      auto text_value = (*c)["text"].value<std::string>();
      auto after = (*c)["after_minutes"].value<int64_t>();
      if (!article || !reader || !text_value || !after)
        return Status::InvalidArgument(
            fmt::format("{}: comment {}: needs article, reader, after_minutes and text", path, n));
      auto who = reader_index.find(*reader);
      if (who == reader_index.end())
        return Status::InvalidArgument(fmt::format("{}: comment {}: no reader '{}'", path, n, *reader));
      DemoComment out;
      out.article_url = *article;
      out.reader = who->second;
      out.text = *text_value;
      // Until the dates are moved, posted_at holds the delay after the article.
      out.posted_at = TimePoint(std::chrono::minutes(*after));
      if (auto parent = (*c)["reply_to"].value<std::string>()) {
        auto p = comment_index.find(*parent);
        if (p == comment_index.end())
          return Status::InvalidArgument(fmt::format("{}: comment {}: replies to '{}', not an earlier comment", path, n,
                                                     *parent));
        out.reply_to = p->second;
      }
      if (auto id = (*c)["id"].value<std::string>()) comment_index[*id] = static_cast<int>(d.comments.size());
      d.comments.push_back(std::move(out));
    }
  }
  return d;
}

}  // namespace

std::string DemoDateline(const std::string& dateline, TimePoint at, int utc_offset_minutes) {
  auto comma = dateline.rfind(", ");
  if (comma == std::string::npos) return dateline;
  std::string date = dateline.substr(comma + 2);
  if (date.empty() || !std::any_of(date.begin(), date.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return dateline;
  CivilTime c = ToCivil(at, utc_offset_minutes);
  std::string moved = HasCyrillic(date) ? fmt::format("{} {}", c.day, kRussianMonths[c.month - 1])
                                        : fmt::format("{} {}", kEnglishMonths[c.month - 1], Ordinal(c.day));
  return dateline.substr(0, comma + 2) + moved;
}

Result<DemoCorpus> ReadDemoCorpus(const std::string& dir, TimePoint now, std::chrono::minutes newest_age) {
  const std::string articles_path = dir + "/articles.jsonl";
  auto text = ReadFile(articles_path);
  if (!text.ok()) return text.status();

  // The dates move in the records' JSON, where each keeps its zone, so that a
  // dateline's day is the day where the article was written.
  std::vector<json> lines;
  std::optional<TimePoint> newest;
  std::istringstream in(*text);
  std::string line;
  for (size_t number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    json record = json::parse(line, nullptr, false);
    if (record.is_discarded() || !record.is_object())
      return Status::InvalidArgument(fmt::format("{}:{}: not a JSON record", articles_path, number));
    auto published = ParseIso8601(record.value("published_at", std::string()));
    if (!published.ok())
      return Status::InvalidArgument(
          fmt::format("{}:{}: published_at: {}", articles_path, number, published.status().message()));
    if (!newest || *published > *newest) newest = *published;
    lines.push_back(std::move(record));
  }
  if (!newest) return Status::InvalidArgument(articles_path + ": no articles");

  DemoCorpus corpus;
  corpus.moved_by = std::chrono::duration_cast<std::chrono::minutes>((now - newest_age) - *newest);
  std::string moved_text;
  std::map<std::string, TimePoint> published_by_url;
  for (json& record : lines) {
    const std::string original = record["published_at"].get<std::string>();
    const int offset = Iso8601Offset(original).value_or(0);
    const TimePoint at = *ParseIso8601(original) + corpus.moved_by;
    record["published_at"] = FormatWithOffset(at, offset);
    if (record.contains("dateline") && record["dateline"].is_string())
      record["dateline"] = DemoDateline(record["dateline"].get<std::string>(), at, offset);
    if (record.contains("translations") && record["translations"].is_array())
      for (json& t : record["translations"])
        if (t.is_object() && t.contains("dateline") && t["dateline"].is_string())
          t["dateline"] = DemoDateline(t["dateline"].get<std::string>(), at, offset);
    if (record.contains("url") && record["url"].is_string()) published_by_url[record["url"].get<std::string>()] = at;
    moved_text += record.dump() + "\n";
  }
  auto articles = ParseImportText(articles_path, moved_text);
  if (!articles.ok()) return articles.status();
  corpus.articles = std::move(*articles);

  const std::string discussion_path = dir + "/discussion.toml";
  auto discussion_text = ReadFile(discussion_path);
  if (!discussion_text.ok()) return discussion_text.status();
  auto discussion = ParseDiscussion(discussion_path, *discussion_text);
  if (!discussion.ok()) return discussion.status();
  corpus.discussion = std::move(*discussion);
  int n = 0;
  for (DemoComment& c : corpus.discussion.comments) {
    ++n;
    auto article = published_by_url.find(c.article_url);
    if (article == published_by_url.end())
      return Status::InvalidArgument(
          fmt::format("{}: comment {}: no article {} in {}", discussion_path, n, c.article_url, articles_path));
    const auto delay = c.posted_at.time_since_epoch();
    c.posted_at = std::min(article->second + delay, now - std::chrono::minutes(1));
  }
  return corpus;
}

}  // namespace newsdesk
