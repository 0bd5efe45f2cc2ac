// The two MT clients on libcurl, their shared request loop (rate limit,
// timeouts, retries with backoff, Retry-After) and the pair registry.
#include <curl/curl.h>
#include <fmt/format.h>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "translate/translate.h"

namespace newsdesk {

namespace {

using Clock = std::chrono::steady_clock;

struct HttpReply {
  long status = 0;
  std::string body;
  std::optional<std::chrono::seconds> retry_after;
};

size_t CollectBody(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

size_t CollectHeader(char* data, size_t size, size_t n, void* out) {
  std::string_view line(data, size * n);
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size()) {
    std::string lower(line.substr(0, kName.size()));
    for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (lower == kName) {
      // Only delta-seconds: MT servers do not send HTTP dates.
      std::string value(line.substr(kName.size()));
      try {
        static_cast<HttpReply*>(out)->retry_after = std::chrono::seconds(std::stol(value));
      } catch (const std::exception&) {
      }
    }
  }
  return size * n;
}

// HttpClient: one reused curl handle (keep-alive to the server), a minimum
// interval between requests (the rate limit), and the retry loop.
class HttpClient {
 public:
  explicit HttpClient(const TranslatorOptions& options) : options_(options) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    handle_ = curl_easy_init();
    if (options_.requests_per_second > 0)
      min_interval_ = std::chrono::microseconds(static_cast<int64_t>(1e6 / options_.requests_per_second));
  }
  ~HttpClient() {
    if (handle_) curl_easy_cleanup(handle_);
  }

  // Post sends `body` (form or JSON) to `path` with retries; the reply is a
  // 200 or an error. `valid` checks a 200's body: false makes it a
  // malformed reply (retried like a 5xx).
  Result<std::string> Post(const std::string& path, const std::string& content_type, const std::string& body,
                           const std::function<bool(const std::string&)>& valid, TranslatorCounters& counters) {
    std::lock_guard<std::mutex> lock(mu_);
    Status last = Status::Unavailable("no attempt made");
    auto backoff = options_.backoff;
    for (int attempt = 1; attempt <= std::max(1, options_.max_attempts); ++attempt) {
      if (attempt > 1) ++counters.retries;
      WaitForRateLimit();
      ++counters.requests;
      HttpReply reply;
      Status sent = Send(path, content_type, body, reply);
      std::chrono::milliseconds wait = backoff;
      backoff *= 2;
      if (!sent.ok()) {
        last = sent;
      } else if (reply.status == 200) {
        if (valid(reply.body)) return std::move(reply.body);
        last = Status::Unavailable(fmt::format("{}{}: malformed reply: {}", options_.url, path, Excerpt(reply.body)));
      } else if (reply.status == 429 || reply.status == 503) {
        last = Status::Unavailable(fmt::format("{}{}: HTTP {}", options_.url, path, reply.status));
        if (reply.retry_after) {
          if (*reply.retry_after > options_.max_retry_after)
            return Status::Unavailable(fmt::format("{}{}: HTTP {}, retry after {} s", options_.url, path,
                                                   reply.status, reply.retry_after->count()));
          wait = std::max<std::chrono::milliseconds>(wait, *reply.retry_after);
        }
      } else if (reply.status >= 500) {
        last = Status::Unavailable(
            fmt::format("{}{}: HTTP {}: {}", options_.url, path, reply.status, Excerpt(reply.body)));
      } else {
        // 4xx: our request or key is wrong; asking again will not help.
        return Status::InvalidArgument(
            fmt::format("{}{}: HTTP {}: {}", options_.url, path, reply.status, Excerpt(reply.body)));
      }
      if (attempt < options_.max_attempts) {
        spdlog::debug("translate: {} (attempt {}), retrying in {} ms", last.message(), attempt, wait.count());
        std::this_thread::sleep_for(wait);
      }
    }
    return last;
  }

 private:
  static std::string Excerpt(const std::string& body) { return body.size() > 200 ? body.substr(0, 200) + "…" : body; }

  void WaitForRateLimit() {
    if (min_interval_.count() == 0) return;
    const auto now = Clock::now();
    if (next_allowed_ > now) std::this_thread::sleep_until(next_allowed_);
    next_allowed_ = std::max(now, next_allowed_) + min_interval_;
  }

  Status Send(const std::string& path, const std::string& content_type, const std::string& body, HttpReply& reply) {
    if (!handle_) return Status::Internal("curl_easy_init failed");
    CURL* h = handle_;
    curl_easy_reset(h);
    const std::string url = options_.url + path;
    curl_slist* headers = curl_slist_append(nullptr, ("Content-Type: " + content_type).c_str());
    headers = curl_slist_append(headers, "Accept: application/json");
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, CollectBody);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &reply.body);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, CollectHeader);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &reply);
    const CURLcode rc = curl_easy_perform(h);
    curl_slist_free_all(headers);
    if (rc != CURLE_OK) {
      if (rc == CURLE_OPERATION_TIMEDOUT)
        return Status::Unavailable(fmt::format("{}: timed out after {} ms", url, options_.timeout.count()));
      return Status::Unavailable(fmt::format("{}: {}", url, curl_easy_strerror(rc)));
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &reply.status);
    return Status::Ok();
  }

  TranslatorOptions options_;
  std::mutex mu_;
  CURL* handle_ = nullptr;                        // GUARDED_BY(mu_)
  std::chrono::microseconds min_interval_{0};
  Clock::time_point next_allowed_{};              // GUARDED_BY(mu_)
};

std::string UrlEncode(const std::string& s) {
  char* e = curl_easy_escape(nullptr, s.data(), static_cast<int>(s.size()));
  std::string out = e ? e : "";
  curl_free(e);
  return out;
}

// Batches splits `indexes` of non-empty paragraphs into requests under the caps.
std::vector<std::vector<size_t>> Batches(const std::vector<std::string>& paragraphs, const TranslatorOptions& o) {
  std::vector<std::vector<size_t>> out;
  size_t chars = 0;
  for (size_t i = 0; i < paragraphs.size(); ++i) {
    if (paragraphs[i].empty()) continue;
    if (out.empty() || out.back().size() >= o.batch_paragraphs || chars + paragraphs[i].size() > o.batch_chars) {
      if (out.empty() || !out.back().empty()) out.emplace_back();
      chars = 0;
    }
    out.back().push_back(i);
    chars += paragraphs[i].size();
  }
  return out;
}

// BatchingTranslator: the part both clients share: empty paragraphs, batches,
// all-or-nothing, counters.
class BatchingTranslator : public Translator {
 public:
  explicit BatchingTranslator(TranslatorOptions options) : options_(std::move(options)), http_(options_) {}

  Result<std::vector<std::string>> Translate(const std::vector<std::string>& paragraphs, const std::string& from,
                                             const std::string& to, Format format) override {
    std::vector<std::string> out(paragraphs.size());
    try {
      for (const auto& batch : Batches(paragraphs, options_)) {
        std::vector<std::string> texts;
        for (size_t i : batch) texts.push_back(paragraphs[i]);
        TranslatorCounters c;
        auto done = TranslateBatch(texts, from, to, format, c);
        AddCounters(c);
        if (!done.ok()) return done.status();
        if (done->size() != texts.size())
          return Status::Unavailable(fmt::format("{}: {} paragraphs sent, {} came back", options_.url, texts.size(),
                                                 done->size()));
        for (size_t k = 0; k < batch.size(); ++k) out[batch[k]] = std::move((*done)[k]);
      }
    } catch (const std::exception& e) {  // nlohmann::json and std::string throw; nothing else may leave here
      return Status::Internal(fmt::format("translating {}-{}: {}", from, to, e.what()));
    }
    std::lock_guard<std::mutex> lock(counters_mu_);
    for (const auto& p : paragraphs) counters_.paragraphs += p.empty() ? 0 : 1;
    return out;
  }

  TranslatorCounters counters() const override {
    std::lock_guard<std::mutex> lock(counters_mu_);
    return counters_;
  }

 protected:
  virtual Result<std::vector<std::string>> TranslateBatch(const std::vector<std::string>& texts,
                                                          const std::string& from, const std::string& to,
                                                          Format format, TranslatorCounters& c) = 0;
  void AddCounters(const TranslatorCounters& c) {
    std::lock_guard<std::mutex> lock(counters_mu_);
    counters_.requests += c.requests;
    counters_.retries += c.retries;
  }

  TranslatorOptions options_;
  HttpClient http_;
  mutable std::mutex counters_mu_;
  TranslatorCounters counters_;  // GUARDED_BY(counters_mu_)
};

class LibreTranslateClient final : public BatchingTranslator {
 public:
  using BatchingTranslator::BatchingTranslator;

 protected:
  Result<std::vector<std::string>> TranslateBatch(const std::vector<std::string>& texts, const std::string& from,
                                                  const std::string& to, Format format,
                                                  TranslatorCounters& c) override {
    nlohmann::json request = {{"q", texts},
                              {"source", from},
                              {"target", to},
                              {"format", format == Format::kHtml ? "html" : "text"}};
    if (!options_.api_key.empty()) request["api_key"] = options_.api_key;
    const size_t expected = texts.size();
    auto valid = [expected](const std::string& body) {
      auto j = nlohmann::json::parse(body, nullptr, false);
      if (!j.is_object() || !j.contains("translatedText")) return false;
      const auto& t = j["translatedText"];
      if (!t.is_array() || t.size() != expected) return false;
      for (const auto& e : t)
        if (!e.is_string()) return false;
      return true;
    };
    auto body = http_.Post("/translate", "application/json", request.dump(), valid, c);
    if (!body.ok()) return body.status();
    const nlohmann::json reply = nlohmann::json::parse(*body);  // a named value: the loop must not outlive it
    std::vector<std::string> out;
    for (const auto& e : reply["translatedText"]) out.push_back(e.get<std::string>());
    return out;
  }
};

// APy takes one `q` per request, so a batch is the paragraphs joined by
// blank lines (Apertium keeps them), split again on the way back; when the
// count does not match, the batch is sent paragraph by paragraph.
class ApertiumClient final : public BatchingTranslator {
 public:
  using BatchingTranslator::BatchingTranslator;

 protected:
  Result<std::vector<std::string>> TranslateBatch(const std::vector<std::string>& texts, const std::string& from,
                                                  const std::string& to, Format format,
                                                  TranslatorCounters& c) override {
    std::string joined;
    for (size_t i = 0; i < texts.size(); ++i) {
      if (i) joined += kSeparator;
      joined += Flatten(texts[i]);
    }
    auto whole = Request(joined, from, to, format, c);
    if (!whole.ok()) return whole.status();
    std::vector<std::string> parts = Split(*whole);
    if (parts.size() == texts.size()) return parts;
    spdlog::debug("translate: APy returned {} paragraphs for {}; sending one by one", parts.size(), texts.size());
    parts.clear();
    for (const auto& t : texts) {
      auto one = Request(Flatten(t), from, to, format, c);
      if (!one.ok()) return one.status();
      parts.push_back(Trim(*one));
    }
    return parts;
  }

 private:
  static constexpr const char* kSeparator = "\n\n";

  // Flatten keeps a paragraph one paragraph: its own blank lines would split it.
  static std::string Flatten(const std::string& text) {
    std::string out;
    for (char ch : text) out += (ch == '\n' || ch == '\r') ? ' ' : ch;
    return out;
  }
  static std::string Trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \n\r\t");
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(" \n\r\t") - b + 1);
  }
  static std::vector<std::string> Split(const std::string& text) {
    std::vector<std::string> out;
    size_t start = 0;
    while (true) {
      const size_t at = text.find(kSeparator, start);
      out.push_back(Trim(text.substr(start, at == std::string::npos ? std::string::npos : at - start)));
      if (at == std::string::npos) break;
      start = at + 2;
      while (start < text.size() && text[start] == '\n') ++start;
    }
    return out;
  }

  Result<std::string> Request(const std::string& q, const std::string& from, const std::string& to, Format format,
                              TranslatorCounters& c) {
    const std::string form = fmt::format("langpair={}|{}&q={}&markUnknown=no&format={}", ApertiumCode(from),
                                         ApertiumCode(to), UrlEncode(q), format == Format::kHtml ? "html" : "txt");
    auto valid = [](const std::string& body) {
      auto j = nlohmann::json::parse(body, nullptr, false);
      return j.is_object() && j.contains("responseData") && j["responseData"].is_object() &&
             j["responseData"].contains("translatedText") && j["responseData"]["translatedText"].is_string();
    };
    auto body = http_.Post("/translate", "application/x-www-form-urlencoded", form, valid, c);
    if (!body.ok()) return body.status();
    return nlohmann::json::parse(*body)["responseData"]["translatedText"].get<std::string>();
  }
};

TranslatorOptions OptionsFor(const Config& config, const TranslateServer& server) {
  TranslatorOptions o;
  o.url = server.url;
  while (!o.url.empty() && o.url.back() == '/') o.url.pop_back();
  o.api_key = server.api_key;
  o.connect_timeout = std::chrono::seconds(config.translate_connect_timeout_seconds);
  o.timeout = std::chrono::seconds(config.translate_timeout_seconds);
  o.max_attempts = static_cast<int>(config.translate_max_attempts);
  o.backoff = std::chrono::milliseconds(config.translate_backoff_ms);
  o.max_retry_after = std::chrono::seconds(config.translate_max_retry_after_seconds);
  o.requests_per_second = server.requests_per_second;
  o.batch_chars = config.translate_batch_chars;
  o.batch_paragraphs = config.translate_batch_paragraphs;
  return o;
}

}  // namespace

std::unique_ptr<Translator> MakeLibreTranslateClient(TranslatorOptions options) {
  return std::make_unique<LibreTranslateClient>(std::move(options));
}

std::unique_ptr<Translator> MakeApertiumClient(TranslatorOptions options) {
  return std::make_unique<ApertiumClient>(std::move(options));
}

std::string ApertiumCode(const std::string& code) {
  static const std::map<std::string, std::string> kCodes = {
      {"en", "eng"}, {"es", "spa"}, {"ru", "rus"}, {"fr", "fra"}, {"de", "deu"}, {"it", "ita"}, {"pt", "por"},
      {"ca", "cat"}, {"gl", "glg"}, {"eu", "eus"}, {"uk", "ukr"}, {"be", "bel"}, {"pl", "pol"}, {"nl", "nld"},
      {"sv", "swe"}, {"da", "dan"}, {"nb", "nob"}, {"nn", "nno"}, {"ro", "ron"}, {"cy", "cym"}, {"ga", "gle"},
      {"br", "bre"}, {"oc", "oci"}, {"ar", "ara"}, {"tr", "tur"}, {"kk", "kaz"}, {"tt", "tat"}, {"eo", "epo"}};
  auto it = kCodes.find(code);
  return it == kCodes.end() ? code : it->second;
}

std::string TextHash(const std::string& text, Format format) {
  unsigned char digest[16];
  const std::string keyed = (format == Format::kHtml ? "html\n" : "text\n") + text;
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(keyed.data()), keyed.size(),
                     nullptr, 0);
  return fmt::format("{:02x}", fmt::join(digest, digest + sizeof digest, ""));
}

Result<Translators> Translators::FromConfig(const Config& config) {
  Translators out;
  for (const auto& server : config.translate_servers) {
    std::shared_ptr<Translator> t;
    if (server.kind == "libretranslate") t = MakeLibreTranslateClient(OptionsFor(config, server));
    else if (server.kind == "apertium") t = MakeApertiumClient(OptionsFor(config, server));
    else return Status::InvalidArgument(fmt::format("translate server kind '{}' is not libretranslate or apertium",
                                                    server.kind));
    std::vector<std::string> fresh;
    for (const auto& pair : server.pairs)
      if (!out.by_pair_.count(pair)) fresh.push_back(pair);
    out.Add(std::move(t), fresh);
  }
  return out;
}

void Translators::Add(std::shared_ptr<Translator> translator, const std::vector<std::string>& pairs) {
  for (const auto& pair : pairs) by_pair_[pair] = translator;
}

Translator* Translators::For(const std::string& from, const std::string& to) const {
  auto it = by_pair_.find(from + "-" + to);
  return it == by_pair_.end() ? nullptr : it->second.get();
}

std::vector<std::string> Translators::Pairs() const {
  std::vector<std::string> out;
  for (const auto& [pair, t] : by_pair_) out.push_back(pair);
  return out;
}

TranslatorCounters Translators::counters() const {
  TranslatorCounters sum;
  std::vector<const Translator*> seen;
  for (const auto& [pair, t] : by_pair_) {
    if (std::find(seen.begin(), seen.end(), t.get()) != seen.end()) continue;
    seen.push_back(t.get());
    const auto c = t->counters();
    sum.requests += c.requests;
    sum.retries += c.retries;
    sum.paragraphs += c.paragraphs;
  }
  return sum;
}

}  // namespace newsdesk
