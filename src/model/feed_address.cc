#include "model/feed_address.h"

namespace newsdesk {

const char* FeedFileName(FeedFormat format) {
  switch (format) {
    case FeedFormat::kAtom:
      return "feed.atom";
    case FeedFormat::kJson:
      return "feed.json";
    case FeedFormat::kRss:
      break;
  }
  return "feed.xml";
}

std::optional<FeedFormat> FeedFormatOf(std::string_view file_name) {
  for (FeedFormat f : kFeedFormats)
    if (file_name == FeedFileName(f)) return f;
  return std::nullopt;
}

const char* FeedContentType(FeedFormat format) {
  switch (format) {
    case FeedFormat::kAtom:
      return "application/atom+xml; charset=utf-8";
    case FeedFormat::kJson:
      return "application/feed+json; charset=utf-8";
    case FeedFormat::kRss:
      break;
  }
  return "application/rss+xml; charset=utf-8";
}

std::string FeedPath(const FeedScope& scope, FeedFormat format) {
  std::string path = "/" + scope.edition + "/";
  switch (scope.kind) {
    case FeedScope::Kind::kSource:
      path += "sources/" + scope.key + "/";
      break;
    case FeedScope::Kind::kEntity:
      path += "mentions/" + scope.key + "/";
      break;
    case FeedScope::Kind::kSearch:
      path += "search/";
      break;
    case FeedScope::Kind::kEdition:
      break;
  }
  return path + FeedFileName(format);
}

}  // namespace newsdesk
