#include "render/catalog.h"

#include <fmt/format.h>

#include <cctype>

#include "common/time.h"
#include "render/assets.h"

namespace newsdesk {

std::string Substitute(std::string text, const std::map<std::string, std::string>& args) {
  for (const auto& [name, value] : args) {
    const std::string token = "{" + name + "}";
    for (size_t pos = text.find(token); pos != std::string::npos; pos = text.find(token, pos + value.size()))
      text.replace(pos, token.size(), value);
  }
  return text;
}

Result<Catalog> Catalog::Load(const std::string& lang) {
  const std::string path = "i18n/" + lang + ".json";
  auto text = FindAsset(path);
  if (!text) return Status::NotFound(fmt::format("no catalog {} for edition '{}'", path, lang));
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::InvalidArgument(path + ": not a JSON object");
  Catalog c;
  c.lang_ = lang;
  try {
    c.language_name_ = j.at("language_name").get<std::string>();
    c.strings_ = j.at("strings");
    c.languages_ = j.at("languages").get<std::map<std::string, std::string>>();
    c.months_ = j.at("months").get<std::vector<std::string>>();
    c.date_format_ = j.at("date_format").get<std::string>();
    c.short_date_format_ = j.at("short_date_format").get<std::string>();
    if (j.contains("reasons")) c.reasons_ = j.at("reasons").get<std::map<std::string, std::string>>();
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(fmt::format("{}: {}", path, e.what()));
  }
  if (c.months_.size() != 12) return Status::InvalidArgument(path + ": 'months' must name 12 months");
  if (!c.strings_.is_object()) return Status::InvalidArgument(path + ": 'strings' must be an object");
  for (auto it = c.strings_.begin(); it != c.strings_.end(); ++it)
    if (!it->is_string()) return Status::InvalidArgument(fmt::format("{}: strings.{} is not a string", path, it.key()));
  return c;
}

std::string Catalog::Get(const std::string& key) const {
  auto it = strings_.find(key);
  if (it == strings_.end()) return key;
  return it->get<std::string>();
}

std::string Catalog::Reason(const std::string& message) const {
  if (reasons_.empty()) return message;
  std::string pattern;
  std::map<std::string, std::string> values;
  auto word_start = [&](size_t i) {
    if (i == 0) return true;
    const unsigned char p = static_cast<unsigned char>(message[i - 1]);
    return !std::isalnum(p) && p != '-' && p != '_';
  };
  for (size_t i = 0; i < message.size();) {
    const char c = message[i];
    std::string value;
    if (c >= '0' && c <= '9' && word_start(i)) {
      size_t j = i;
      while (j < message.size() && message[j] >= '0' && message[j] <= '9') ++j;
      value = message.substr(i, j - i);
      i = j;
    } else if (c == '\'' && (i == 0 || message[i - 1] == ' ') && message.find('\'', i + 1) != std::string::npos) {
      size_t j = message.find('\'', i + 1);
      value = message.substr(i, j + 1 - i);
      i = j + 1;
    } else {
      pattern += c;
      ++i;
      continue;
    }
    const std::string key = std::to_string(values.size() + 1);
    values[key] = value;
    pattern += "{" + key + "}";
  }
  auto it = reasons_.find(pattern);
  return it == reasons_.end() ? message : Substitute(it->second, values);
}

std::string Catalog::Format(const std::string& key, const std::map<std::string, std::string>& args) const {
  return Substitute(Get(key), args);
}

std::string Catalog::LanguageName(const std::string& code) const {
  auto it = languages_.find(code);
  return it == languages_.end() ? code : it->second;
}

std::string Catalog::Date(TimePoint t, int offset, const std::string& zone) const {
  CivilTime c = ToCivil(t, offset);
  return Substitute(date_format_, {{"month", months_[static_cast<size_t>(c.month - 1)]},
                                   {"day", std::to_string(c.day)},
                                   {"year", std::to_string(c.year)},
                                   {"time", fmt::format("{:02}:{:02} {}", c.hour, c.minute, zone)}});
}

std::string Catalog::ShortDate(TimePoint t, int offset) const {
  CivilTime c = ToCivil(t, offset);
  return Substitute(short_date_format_, {{"dd", fmt::format("{:02}", c.day)},
                                         {"mm", fmt::format("{:02}", c.month)},
                                         {"time", fmt::format("{:02}:{:02}", c.hour, c.minute)}});
}

std::string Catalog::MonthName(int month) const {
  if (month < 1 || static_cast<size_t>(month) > months_.size()) return "";
  return months_[static_cast<size_t>(month - 1)];
}

}  // namespace newsdesk
