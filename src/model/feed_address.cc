#include "model/feed_address.h"

namespace newsdesk {

const char* FeedFileName(FeedType type) {
  switch (type) {
    case FeedType::kAtom:
      return "feed.atom";
    case FeedType::kJson:
      return "feed.json";
    case FeedType::kRss:
      break;
  }
  return "feed.xml";
}

std::optional<FeedType> FeedTypeOf(std::string_view file_name) {
  for (FeedType f : kFeedTypes)
    if (file_name == FeedFileName(f)) return f;
  return std::nullopt;
}

const char* FeedContentType(FeedType type) {
  switch (type) {
    case FeedType::kAtom:
      return "application/atom+xml; charset=utf-8";
    case FeedType::kJson:
      return "application/feed+json; charset=utf-8";
    case FeedType::kRss:
      break;
  }
  return "application/rss+xml; charset=utf-8";
}

std::string FeedPath(const FeedScope& scope, FeedType type) {
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
  return path + FeedFileName(type);
}

}  // namespace newsdesk
