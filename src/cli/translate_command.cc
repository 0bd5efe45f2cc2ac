// `newsdesk translate run` (one translation pass) and
// `newsdesk translation edit ID --lang L` (an editor's translation in
// $EDITOR, which the audit log records).
#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/commands.h"
#include "common/text.h"
#include "store/store.h"
#include "translate/translate.h"

namespace newsdesk {

namespace {

// The text form of a translation an editor edits: headline, blank line,
// dateline, blank line, then one block per paragraph separated by blank
// lines; a list's items are lines of one block, an image's caption is a
// block starting "[image] ". Lines starting with '#' are notes, ignored.
constexpr const char* kImageMark = "[image] ";

std::string ToEditableText(const std::string& headline, const std::string& dateline, const std::vector<Block>& body,
                           const std::string& note) {
  std::string out = note;
  out += headline + "\n\n" + dateline + "\n\n";
  bool first = true;
  for (const auto& b : body) {
    if (!first) out += "\n\n";
    first = false;
    switch (b.type) {
      case BlockType::kParagraph:
      case BlockType::kHeading:
      case BlockType::kQuote:
        out += b.text;
        break;
      case BlockType::kList:
        for (size_t i = 0; i < b.items.size(); ++i) out += (i ? "\n" : "") + b.items[i];
        break;
      case BlockType::kImage:
        out += kImageMark + b.caption;
        break;
    }
  }
  return out + "\n";
}

// FromEditableText reads the form back onto the shape of `base` (the
// blocks it was written from): when the number of text blocks is the same,
// each keeps its type; otherwise they become paragraphs. Images keep their
// place, URL and credit, taking the captions in order.
Result<Translation> FromEditableText(const std::string& raw, const std::vector<Block>& base,
                                     const std::string& language) {
  std::string text;
  std::istringstream lines(raw);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty() && line[0] == '#') continue;
    text += line + "\n";
  }
  std::vector<std::string> chunks;
  size_t start = text.find_first_not_of('\n');
  if (start == std::string::npos) return Status::InvalidArgument("the translation is empty");
  // Headline and dateline: split on the first two "\n\n" exactly, so an
  // empty dateline (two blank lines) stays empty.
  for (int k = 0; k < 2; ++k) {
    const size_t at = text.find("\n\n", start);
    chunks.push_back(Trim(text.substr(start, at == std::string::npos ? std::string::npos : at - start)));
    start = at == std::string::npos ? text.size() : at + 2;
  }
  std::vector<std::string> paragraphs, captions;
  std::string current;
  std::istringstream rest(text.substr(std::min(start, text.size())));
  auto flush = [&] {
    std::string t = Trim(current);
    current.clear();
    if (t.empty()) return;
    if (t.rfind(Trim(kImageMark), 0) == 0) captions.push_back(Trim(t.substr(Trim(kImageMark).size())));
    else paragraphs.push_back(t);
  };
  while (std::getline(rest, line)) {
    if (Trim(line).empty()) flush();
    else current += (current.empty() ? "" : "\n") + line;
  }
  flush();
  Translation t;
  t.language = language;
  t.by = TranslatedBy::kHuman;
  t.headline = chunks[0];
  t.dateline = chunks.size() > 1 ? chunks[1] : "";
  if (t.headline.empty()) return Status::InvalidArgument("the headline (the first line) is empty");
  if (paragraphs.empty()) return Status::InvalidArgument("the translation has no body");

  size_t text_blocks = 0;
  for (const auto& b : base) text_blocks += b.type == BlockType::kImage ? 0 : 1;
  const bool same_shape = text_blocks == paragraphs.size();
  size_t p = 0, c = 0;
  for (const auto& b : base) {
    if (b.type == BlockType::kImage) {
      Block img = b;
      if (c < captions.size()) img.caption = captions[c++];
      t.body.push_back(std::move(img));
    } else if (same_shape) {
      Block out;
      out.type = b.type;
      if (b.type == BlockType::kList) {
        std::istringstream items(paragraphs[p++]);
        std::string item;
        while (std::getline(items, item))
          if (!Trim(item).empty()) out.items.push_back(Trim(item));
      } else {
        out.text = paragraphs[p++];
      }
      t.body.push_back(std::move(out));
    }
  }
  if (!same_shape)
    for (const auto& para : paragraphs) {
      Block out;
      out.text = para;
      t.body.push_back(std::move(out));
    }
  return t;
}

}  // namespace

Status RunTranslate(const Config& config) {
  auto store = OpenStore(config);
  if (!store.ok()) return store.status();
  auto translators = Translators::FromConfig(config);
  if (!translators.ok()) return translators.status();
  if (translators->Pairs().empty())
    return Status::InvalidArgument("no translation server is configured: add [[translate.servers]] to the config");
  const bool tty = ::isatty(STDERR_FILENO);
  TranslationPass pass(**store, **store, *translators, PassOptionsFromConfig(config));
  auto stats = pass.RunOnce([&](int64_t n, int64_t total) {
    if (!tty || total == 0) return;
    const int width = 30;
    const int filled = static_cast<int>(width * n / total);
    fmt::print(stderr, "\r[{}{}] {}/{} articles", std::string(filled, '#'), std::string(width - filled, ' '), n,
               total);
    if (n == total) fmt::print(stderr, "\n");
  });
  if (!stats.ok()) return stats.status();
  const auto counters = translators->counters();
  fmt::print(
      "translated {} of {} articles ({} failed, kept for a retry); {} texts, {} from the cache ({:.0f}%), {} sent in "
      "{} requests ({} retries)\n",
      stats->translated, stats->articles_seen, stats->failed, stats->paragraphs, stats->cache_hits,
      100 * stats->hit_rate(), stats->sent, counters.requests, counters.retries);
  if (stats->failed > 0) fmt::print("last error: {}\n", stats->last_error);
  return Status::Ok();
}

Status RunTranslationEdit(const Config& config, int64_t id, const std::string& language) {
  auto store = OpenStore(config);
  if (!store.ok()) return store.status();
  auto article = (*store)->GetArticleInAnyState(id);
  if (!article.ok()) return article.status();
  if (article->language == language)
    return Status::InvalidArgument(
        fmt::format("article {} is written in {}: it has no translation into its own language", id, language));
  auto existing = (*store)->GetTranslation(id, language);
  if (!existing.ok() && !existing.status().is_not_found()) return existing.status();
  std::string note = fmt::format(
      "# Article {} into {}. Headline, blank line, dateline, blank line, then the paragraphs\n"
      "# separated by blank lines (a list: one item per line; \"[image] \" starts a caption).\n",
      id, language);
  std::vector<Block> base;
  std::string before;
  if (existing.ok()) {
    note += fmt::format("# Now: a {} translation.\n", existing->by == TranslatedBy::kHuman ? "human" : "machine");
    base = existing->body;
    before = ToEditableText(existing->headline, existing->dateline, existing->body, note);
  } else {
    note += fmt::format("# No translation yet: below is the original in {}; replace it.\n", article->language);
    base = article->body;
    before = ToEditableText(article->headline, article->dateline, article->body, note);
  }

  namespace fs = std::filesystem;
  const fs::path path = fs::temp_directory_path() / fmt::format("newsdesk-translation-{}-{}-{}.txt", id, language,
                                                                ::getpid());
  {
    std::ofstream f(path, std::ios::binary);
    f << before;
    if (!f) return Status::IOError(fmt::format("cannot write {}", path.string()));
  }
  const char* editor = std::getenv("VISUAL");
  if (!editor || !*editor) editor = std::getenv("EDITOR");
  if (!editor || !*editor) editor = "vi";
  // The editor is the user's own command line ($EDITOR may carry flags); the
  // path is ours and quoted.
  const std::string command = fmt::format("{} '{}'", editor, path.string());
  const int rc = std::system(command.c_str());
  std::ifstream in(path, std::ios::binary);
  const std::string after((std::istreambuf_iterator<char>(in)), {});
  std::error_code ec;
  fs::remove(path, ec);
  if (rc != 0) return Status::Unavailable(fmt::format("the editor ({}) exited with status {}; nothing stored", editor, rc));
  if (after == before) return Status::InvalidArgument("the translation is unchanged; nothing stored");
  auto edited = FromEditableText(after, base, language);
  if (!edited.ok()) return edited.status().WithContext("nothing stored");
  ND_RETURN_IF_ERROR((*store)->PutTranslation(id, *edited));
  // The log keeps the text before (none when there was no translation) and
  // after, as the editor saw it, without the notes; long ones are cut.
  AppendCliAudit(**store, "translation edit",
                 {.action = "translation.edit", .target = fmt::format("article:{}", id),
                  .summary = fmt::format("{}: {}", language, article->headline),
                  .before = existing.ok() ? ToEditableText(existing->headline, existing->dateline, existing->body, "")
                                          : "",
                  .after = ToEditableText(edited->headline, edited->dateline, edited->body, "")});
  fmt::print("stored a human translation of article {} into {} ({} blocks)\n", id, language, edited->body.size());
  return Status::Ok();
}

}  // namespace newsdesk
