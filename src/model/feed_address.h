// File: model/feed_address.h
//
// Where the site's outgoing feeds live (issue 17, part 3): per edition, per
// source, per entity and per search, each in RSS 2.0, Atom 1.0 and JSON Feed
// 1.1. The web pages serve them at these paths, the pages link them for
// autodiscovery, and the publish pings name them to WebSub hubs, all from
// this one scheme:
//
//   /{ed}/feed.xml                       /{ed}/feed.atom        /{ed}/feed.json
//   /{ed}/sources/{slug}/feed.xml        …/feed.atom            …/feed.json
//   /{ed}/mentions/{entity}/feed.xml     …/feed.atom            …/feed.json
//   /{ed}/search/feed.xml?q=…            (the query's parameters follow)
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace newsdesk {

// FeedType: the formats the site writes (ingest/feed.h's FeedFormat is what it reads).
enum class FeedType { kRss, kAtom, kJson };

inline constexpr FeedType kFeedTypes[] = {FeedType::kRss, FeedType::kAtom, FeedType::kJson};

// FeedScope: whose articles a feed carries.
struct FeedScope {
  enum class Kind { kEdition, kSource, kEntity, kSearch };
  Kind kind = Kind::kEdition;
  std::string edition;
  std::string key;  // the source's slug or the entity's id; empty otherwise
};

// FeedFileName is the last segment of a feed's path: "feed.xml",
// "feed.atom" or "feed.json".
const char* FeedFileName(FeedType type);
// FeedTypeOf reads a feed's file name; nullopt for any other name.
std::optional<FeedType> FeedTypeOf(std::string_view file_name);
// FeedContentType is the media type a feed is served with.
const char* FeedContentType(FeedType type);
// FeedPath is a feed's path on the site (no query: a search feed's
// parameters are the caller's to add).
std::string FeedPath(const FeedScope& scope, FeedType type);

}  // namespace newsdesk
