// File: model/content_diff.h
//
// ContentDiff compares two versions of an article's content (model/article.h
// ArticleContent) line by line, as the desk shows a revision against the
// article as it stands: the headline, dateline, image, rights and each body
// block are one line each, labelled, and the lines are matched by their
// longest common subsequence (dtl).
//
//   for (const DiffLine& l : ContentDiff(revision.content, ContentOf(article)))
//     ... l.change is kSame, kRemoved (only in `from`) or kAdded (only in `to`)
#pragma once

#include <string>
#include <vector>

#include "model/article.h"

namespace newsdesk {

struct DiffLine {
  enum class Change { kSame, kRemoved, kAdded };
  Change change = Change::kSame;
  std::string label;  // "headline", "dateline", "image", "rights", or the block's type name
  std::string text;
};

// ContentLines is `content` as the lines ContentDiff compares.
std::vector<DiffLine> ContentLines(const ArticleContent& content);

// ContentDiff lists the lines of `from` and `to` in order, each marked as
// in both, only in `from` or only in `to`.
std::vector<DiffLine> ContentDiff(const ArticleContent& from, const ArticleContent& to);

}  // namespace newsdesk
