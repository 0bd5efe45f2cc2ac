// File: render/catalog.h
//
// An edition's interface strings, language names, month names and date
// formats, from i18n/<lang>.json (built into the binary). A new language is
// a new file. Thread-safety: immutable after Load.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "model/article.h"

namespace newsdesk {

class Catalog {
 public:
  // Load reads i18n/`lang`.json; NotFound when the edition has no catalog.
  static Result<Catalog> Load(const std::string& lang);

  const std::string& lang() const { return lang_; }
  const std::string& language_name() const { return language_name_; }  // "Русский"

  // Get returns the string for `key`, or the key itself when missing.
  std::string Get(const std::string& key) const;
  // Format is Get with "{name}" placeholders replaced.
  std::string Format(const std::string& key, const std::map<std::string, std::string>& args) const;
  // LanguageName names language `code` in this catalog's language.
  std::string LanguageName(const std::string& code) const;

  // Date: "November 20, 2026, 09:40 UTC"; ShortDate: "20.11 09:40".
  std::string Date(TimePoint t, int utc_offset_minutes, const std::string& zone_label) const;
  std::string ShortDate(TimePoint t, int utc_offset_minutes) const;
  // MonthName is month `month` (1-12) as dates in this language write it
  // ("November", "ноября"); "" when out of range.
  std::string MonthName(int month) const;

  // Reason gives a message another module wrote in English (a refusal's
  // reason, a search notice) in this catalog's language. The message's
  // numbers (a digit run starting a word) and 'quoted' parts are replaced by
  // {1}, {2}… to form a pattern, the pattern is looked up in "reasons", and
  // the values are put back. An unknown message comes back as it is.
  std::string Reason(const std::string& message) const;

  // strings is every interface string, for templates ({{t.key}}).
  const nlohmann::json& strings() const { return strings_; }

 private:
  std::string lang_;
  std::string language_name_;
  nlohmann::json strings_;
  std::map<std::string, std::string> reasons_;  // English pattern → this language
  std::map<std::string, std::string> languages_;
  std::vector<std::string> months_;
  std::string date_format_;
  std::string short_date_format_;
};

// Substitute replaces each "{name}" in `text` by its value in `args`.
std::string Substitute(std::string text, const std::map<std::string, std::string>& args);

}  // namespace newsdesk
