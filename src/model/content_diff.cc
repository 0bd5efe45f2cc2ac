#include "model/content_diff.h"

#include <dtl/dtl.hpp>

namespace newsdesk {

namespace {

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : "\n") + item;
  return out;
}

// Key: a line's label and text as one comparable string; the label keeps a
// heading and a paragraph with the same words apart.
std::string Key(const DiffLine& l) { return l.label + '\x1f' + l.text; }

}  // namespace

std::vector<DiffLine> ContentLines(const ArticleContent& c) {
  std::vector<DiffLine> lines = {{DiffLine::Change::kSame, "headline", c.headline},
                                 {DiffLine::Change::kSame, "dateline", c.dateline}};
  if (c.image) {
    lines.push_back({DiffLine::Change::kSame, "image", c.image->url});
    lines.push_back({DiffLine::Change::kSame, "caption", c.image->caption});
    lines.push_back({DiffLine::Change::kSame, "credit", c.image->credit});
  }
  lines.push_back({DiffLine::Change::kSame, "rights", c.rights});
  for (const Block& b : c.body) {
    std::string text;
    switch (b.type) {
      case BlockType::kList: text = Joined(b.items); break;
      case BlockType::kImage: text = Joined({b.url, b.caption, b.credit}); break;
      default: text = b.text;
    }
    lines.push_back({DiffLine::Change::kSame, BlockTypeName(b.type), std::move(text)});
  }
  return lines;
}

std::vector<DiffLine> ContentDiff(const ArticleContent& from, const ArticleContent& to) {
  const std::vector<DiffLine> a = ContentLines(from), b = ContentLines(to);
  std::vector<std::string> ka, kb;
  for (const auto& l : a) ka.push_back(Key(l));
  for (const auto& l : b) kb.push_back(Key(l));
  dtl::Diff<std::string> diff(ka, kb);
  diff.compose();
  std::vector<DiffLine> out;
  // The edit script walks both sequences in order: a common line advances
  // both, a deleted one `from`, an added one `to`.
  size_t i = 0, j = 0;
  for (const auto& element : diff.getSes().getSequence()) {
    const dtl::edit_t type = element.second.type;
    if (type == dtl::SES_ADD && j < b.size()) {
      out.push_back(b[j++]);
      out.back().change = DiffLine::Change::kAdded;
    } else if (type == dtl::SES_DELETE && i < a.size()) {
      out.push_back(a[i++]);
      out.back().change = DiffLine::Change::kRemoved;
    } else if (type == dtl::SES_COMMON && i < a.size() && j < b.size()) {
      out.push_back(a[i++]);
      ++j;
    }
  }
  return out;
}

}  // namespace newsdesk
