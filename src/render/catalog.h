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

namespace catalog_internal {
struct EnglishReasons;  // the `en` reason texts as patterns (catalog.cc)
}

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

  // Reason gives a reader-facing reason (common/reason.h) in this
  // catalog's language: the text of "reasons.<key>" with the reason's
  // values in its {placeholders}. An empty reason gives "".
  std::string Reason(const newsdesk::Reason& reason) const;
  // Reason gives the reason a refusal carries, as above; a status without
  // one is logged (it should get a code) and shown through the English
  // fallback below.
  std::string Reason(const Status& refusal) const;
  // Reason(english) is the fallback for text with no code: sentences
  // stored before codes existed (a held comment's `hold_reason`) and
  // refusals nobody coded yet. The text is matched against the `en`
  // catalog's reason texts ({placeholder} matching any value); on a match
  // it is translated as that reason, otherwise it comes back as it is.
  std::string Reason(const std::string& english) const;
  // ReasonOf finds the reason whose `en` text `english` is, with its
  // values; an empty Reason when none matches.
  newsdesk::Reason ReasonOf(const std::string& english) const;

  // strings is every interface string, for templates ({{t.key}}).
  const nlohmann::json& strings() const { return strings_; }

 private:
  std::string lang_;
  std::string language_name_;
  nlohmann::json strings_;
  std::map<std::string, std::string> reasons_;  // reason key → this language's text
  std::shared_ptr<const catalog_internal::EnglishReasons> english_;  // for ReasonOf
  std::map<std::string, std::string> languages_;
  std::vector<std::string> months_;
  std::string date_format_;
  std::string short_date_format_;
};

// Substitute replaces each "{name}" in `text` by its value in `args`.
std::string Substitute(std::string text, const std::map<std::string, std::string>& args);

}  // namespace newsdesk
