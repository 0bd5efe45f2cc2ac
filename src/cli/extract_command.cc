// `newsdesk extract`: the article extractor on saved pages, standing alone
// so it can be measured (bench/extract) and tried on a page by hand.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "common/charset.h"
#include "common/time.h"
#include "extract/extractor.h"
#include "model/block_json.h"

namespace newsdesk {

namespace {

namespace fs = std::filesystem;

Result<std::string> ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError(fmt::format("cannot read {}", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::IOError(fmt::format("cannot read {}", path));
  return ss.str();
}

Result<ExtractedArticle> ExtractFile(const std::string& path, const ExtractFlags& flags) {
  auto bytes = ReadBytes(path);
  if (!bytes.ok()) return bytes.status();
  auto text = DecodeToUtf8(*bytes);
  if (!text.ok()) return text.status().WithContext(path);
  ExtractOptions options;
  options.url = flags.url;
  auto article = ExtractArticle(text->utf8, options);
  if (!article.ok()) return article.status().WithContext(path);
  return article;
}

nlohmann::json ToJson(const ExtractedArticle& a) {
  nlohmann::json j;
  j["title"] = a.title;
  j["published"] = a.published ? nlohmann::json(FormatIso8601(*a.published)) : nlohmann::json(nullptr);
  j["author"] = a.author;
  j["canonical_url"] = a.canonical_url;
  j["image"] = a.image;
  j["image_caption"] = a.image_caption;
  j["image_credit"] = a.image_credit;
  j["language"] = a.language;
  j["rights"] = a.rights;
  j["text"] = a.Text();
  j["blocks"] = BlocksToJson(a.blocks);
  return j;
}

std::string Dump(const nlohmann::json& j, int indent) {
  // Pages are not always valid UTF-8 after decoding; never throw on them.
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

Status WriteFile(const fs::path& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
  out.close();
  if (!out) return Status::IOError(fmt::format("cannot write {}", path.string()));
  return Status::Ok();
}

Status ExtractMany(const ExtractFlags& flags) {
  std::error_code ec;
  fs::create_directories(flags.out_dir, ec);
  if (ec) return Status::IOError(fmt::format("cannot create {}: {}", flags.out_dir, ec.message()));
  size_t failed = 0;
  for (const auto& file : flags.files) {
    std::string name = fs::path(file).filename().string();
    for (std::string_view ext : {".html", ".htm"}) {
      if (name.size() > ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0) {
        name.resize(name.size() - ext.size());
        break;
      }
    }
    auto article = ExtractFile(file, flags);
    nlohmann::json j;
    if (article.ok()) {
      j = ToJson(*article);
    } else {
      ++failed;
      j = {{"error", article.status().message()}};
      fmt::print(stderr, "newsdesk: {}\n", article.status().message());
    }
    ND_RETURN_IF_ERROR(WriteFile(fs::path(flags.out_dir) / (name + ".json"), Dump(j, -1) + "\n"));
  }
  if (failed > 0)
    return Status::InvalidArgument(fmt::format("{} of {} pages failed (their JSON holds the error)", failed,
                                               flags.files.size()));
  return Status::Ok();
}

}  // namespace

Status RunExtract(const ExtractFlags& flags) {
  if (flags.files.empty()) return Status::InvalidArgument("no page given");
  if (!flags.out_dir.empty()) return ExtractMany(flags);
  if (flags.files.size() > 1) return Status::InvalidArgument("several pages need --out DIR");
  auto article = ExtractFile(flags.files[0], flags);
  if (!article.ok()) return article.status();
  if (flags.json) {
    std::cout << Dump(ToJson(*article), 2) << "\n";
    return Status::Ok();
  }
  const ExtractedArticle& a = *article;
  std::cout << a.title << "\n";
  if (a.published) std::cout << "published: " << FormatIso8601(*a.published) << "\n";
  if (!a.author.empty()) std::cout << "author:    " << a.author << "\n";
  if (!a.canonical_url.empty()) std::cout << "canonical: " << a.canonical_url << "\n";
  if (!a.image.empty()) std::cout << "image:     " << a.image << (a.image_credit.empty() ? "" : " (" + a.image_credit + ")") << "\n";
  if (!a.language.empty()) std::cout << "language:  " << a.language << "\n";
  if (!a.rights.empty()) std::cout << "rights:    " << a.rights << "\n";
  std::cout << "\n" << a.Text() << "\n";
  return Status::Ok();
}

}  // namespace newsdesk
