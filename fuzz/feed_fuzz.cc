// libFuzzer target for the feed parser: any bytes, any Content-Type.
// Built and run by fuzz/run.sh (`bash fuzz/run.sh feed 60`).
//
// Besides "no crash, no sanitizer report", it checks the parser's promises:
// every string it returns is valid UTF-8, and errors are InvalidArgument.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/text.h"
#include "ingest/feed.h"

namespace {

using newsdesk::IsValidUtf8;

void Check(bool ok) {
  if (!ok) std::abort();
}

void CheckFeed(const newsdesk::Result<newsdesk::Feed>& feed) {
  if (!feed.ok()) {
    Check(feed.status().code() == newsdesk::Code::kInvalidArgument);
    return;
  }
  Check(IsValidUtf8(feed->title) && IsValidUtf8(feed->description) && IsValidUtf8(feed->link));
  for (const auto& item : feed->items) {
    Check(IsValidUtf8(item.title) && IsValidUtf8(item.summary) && IsValidUtf8(item.content_html) &&
          IsValidUtf8(item.author) && IsValidUtf8(item.link) && IsValidUtf8(item.guid));
    for (const auto& c : item.categories) Check(IsValidUtf8(c));
    for (const auto& im : item.images) Check(IsValidUtf8(im.credit) && IsValidUtf8(im.caption));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // As bytes from the network (charset detection, wide encodings) ...
  CheckFeed(newsdesk::ParseFeedBytes(input, "", "https://example.com/feeds/rss.xml"));
  // ... and as text that claims to be UTF-8 already (it may not be).
  CheckFeed(newsdesk::ParseFeed(input, ""));
  for (const auto& link : newsdesk::FindFeedLinks(input, "https://example.com/dir/page.html")) Check(IsValidUtf8(link));
  (void)newsdesk::ParseFeedDate(input.substr(0, 256));
  return 0;
}
