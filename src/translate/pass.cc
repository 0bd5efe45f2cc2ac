// TranslationPass: stored articles → machine translations, through the cache.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "translate/translate.h"

namespace newsdesk {

namespace {

TimePoint Now() { return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()); }

// Texts: where each translatable text of an article sits, so the translated
// list can be laid back in the same places.
struct Texts {
  std::vector<std::string> texts;
  void Add(const std::string& s) { texts.push_back(s); }
};

Texts Collect(const Article& a) {
  Texts t;
  t.Add(a.headline);
  t.Add(a.dateline);
  for (const auto& b : a.body) {
    switch (b.type) {
      case BlockType::kParagraph:
      case BlockType::kHeading:
      case BlockType::kQuote:
        t.Add(b.text);
        break;
      case BlockType::kList:
        for (const auto& item : b.items) t.Add(item);
        break;
      case BlockType::kImage:
        t.Add(b.caption);
        break;
    }
  }
  return t;
}

// Assemble is Collect's inverse: the same article shape with translated text.
Translation Assemble(const Article& a, const std::string& to, const std::vector<std::string>& done) {
  Translation t;
  t.language = to;
  t.by = TranslatedBy::kMachine;
  size_t k = 0;
  t.headline = done[k++];
  t.dateline = done[k++];
  for (const auto& b : a.body) {
    Block out = b;
    switch (b.type) {
      case BlockType::kParagraph:
      case BlockType::kHeading:
      case BlockType::kQuote:
        out.text = done[k++];
        break;
      case BlockType::kList:
        for (auto& item : out.items) item = done[k++];
        break;
      case BlockType::kImage:
        out.caption = done[k++];
        break;
    }
    t.body.push_back(std::move(out));
  }
  return t;
}

}  // namespace

PassOptions PassOptionsFromConfig(const Config& config) {
  PassOptions o;
  o.editions = config.editions;
  o.retry_failed_after = std::chrono::seconds(config.translate_retry_failed_seconds);
  return o;
}

TranslationPass::TranslationPass(ArticleStore& articles, TranslationStore& translations, const Translators& translators,
                                 PassOptions options)
    : articles_(articles), store_(translations), translators_(translators), options_(std::move(options)) {}

Result<std::vector<std::string>> TranslationPass::TranslateCached(Translator& translator,
                                                                  const std::vector<std::string>& texts,
                                                                  const std::string& from, const std::string& to,
                                                                  PassStats& stats) {
  const std::string pair = from + "-" + to;
  std::vector<std::string> hashes;
  hashes.reserve(texts.size());
  for (const auto& t : texts) hashes.push_back(TextHash(t, Format::kText));
  auto cached = store_.CachedTranslations(pair, hashes);
  if (!cached.ok()) return cached.status();

  std::vector<std::string> out(texts.size());
  std::vector<size_t> missing;
  std::vector<std::string> to_send;
  for (size_t i = 0; i < texts.size(); ++i) {
    if (texts[i].empty()) continue;  // nothing to translate, nothing to count
    ++stats.paragraphs;
    ++paragraphs_;
    if ((*cached)[i]) {
      out[i] = *(*cached)[i];
      ++stats.cache_hits;
      ++cache_hits_;
    } else {
      missing.push_back(i);
      to_send.push_back(texts[i]);
    }
  }
  if (to_send.empty()) return out;
  stats.sent += static_cast<int64_t>(to_send.size());
  auto done = translator.Translate(to_send, from, to, Format::kText);
  if (!done.ok()) return done.status();
  std::vector<std::pair<std::string, std::string>> entries;
  for (size_t k = 0; k < missing.size(); ++k) {
    out[missing[k]] = (*done)[k];
    entries.emplace_back(hashes[missing[k]], (*done)[k]);
  }
  // The cache is written before the article: what the server did is kept
  // even when storing the article fails.
  ND_RETURN_IF_ERROR(store_.PutCachedTranslations(pair, entries));
  return out;
}

Status TranslationPass::TranslateArticle(int64_t id, const std::string& to, PassStats& stats) {
  auto article = articles_.GetArticleInAnyState(id);
  if (!article.ok()) return article.status();
  Translator* translator = translators_.For(article->language, to);
  if (!translator)
    return Status::InvalidArgument(fmt::format("no translation server serves {}-{}", article->language, to));
  const Texts texts = Collect(*article);
  auto done = TranslateCached(*translator, texts.texts, article->language, to, stats);
  if (!done.ok()) return done.status();
  return store_.PutTranslation(id, Assemble(*article, to, *done));
}

Result<PassStats> TranslationPass::RunOnce(const std::function<void(int64_t, int64_t)>& progress) {
  PassStats stats;
  const TimePoint started = Now();
  // Work out the whole list first, so progress has a total and articles
  // failing in this pass are not picked up again by it.
  struct Job {
    int64_t id;
    std::string to;
  };
  std::vector<Job> jobs;
  for (const auto& pair : translators_.Pairs()) {
    const auto dash = pair.find('-');
    const std::string from = pair.substr(0, dash), to = pair.substr(dash + 1);
    if (std::find(options_.editions.begin(), options_.editions.end(), to) == options_.editions.end()) continue;
    int64_t after = 0;
    while (true) {
      auto ids = store_.ArticlesNeedingTranslation(from, to, started, after, 1000);
      if (!ids.ok()) return ids.status();
      for (int64_t id : *ids) jobs.push_back({id, to});
      if (ids->size() < 1000) break;
      after = ids->back();
    }
  }
  if (options_.max_articles > 0 && jobs.size() > static_cast<size_t>(options_.max_articles))
    jobs.resize(static_cast<size_t>(options_.max_articles));
  stats.articles_seen = static_cast<int64_t>(jobs.size());

  int64_t n = 0;
  for (const auto& job : jobs) {
    Status s = TranslateArticle(job.id, job.to, stats);
    if (s.ok()) {
      ++stats.translated;
    } else if (s.is_not_found()) {
      // Deleted while the pass ran: nothing to translate any more.
    } else {
      ++stats.failed;
      stats.last_error = s.message();
      spdlog::warn("translate: article {} into {}: {}", job.id, job.to, s.message());
      const TimePoint now = Now();
      Status kept = store_.RecordTranslationFailure(job.id, job.to, s.message(), now,
                                                    now + options_.retry_failed_after);
      if (!kept.ok()) return kept;
    }
    if (progress) progress(++n, stats.articles_seen);
  }
  return stats;
}

}  // namespace newsdesk
