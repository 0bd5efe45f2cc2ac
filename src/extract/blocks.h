// File: extract/blocks.h  (internal to extract/)
//
// From the chosen body subtree to `Block`s (paragraphs, headings, quotes,
// lists, images with caption and credit), and the image helpers the lead
// image needs: which URL a lazy-loaded <img> really shows, and how a
// caption splits into caption and credit.
//
// Thread-safety: pure functions over a Document nobody else is editing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "extract/dom.h"
#include "model/article.h"

namespace newsdesk::extract_internal {

// ImageUrl returns the URL an <img> (or <source>) shows once its lazy
// loader has run: data-src and kin, the largest srcset candidate, then
// src, skipping placeholders (tiny data: URIs, spacer gifs). Absolute
// against `base_url` when that is absolute. "" when there is none.
std::string ImageUrl(const Node* img, std::string_view base_url);

// CaptionAndCredit splits the caption area of a figure (its figcaption, or
// the element given) into a caption and a credit: an element marked as
// credit/copyright/source, else the part from "©", else what follows a
// label such as "Photo:", "Image source:", "Фото:".
struct CaptionCredit {
  std::string caption;
  std::string credit;
};
CaptionCredit SplitCaption(const Node* caption_area);
CaptionCredit SplitCaptionText(std::string_view text);

// CaptionAreaOf returns the caption area for image `img`: the figcaption of its
// <figure>, or a caption/credit element right next to it; null if none.
const Node* CaptionAreaOf(const Node* img);

// ContentToBlocks converts the body subtree under `content`.
std::vector<Block> ContentToBlocks(const Node* content, std::string_view base_url);

// CleanBlockText removes control characters and trims; what every block
// text passes through so the blocks validate (model/block_json.h).
std::string CleanBlockText(std::string_view s);

// kMaxBlockBytes: the longest text a block gets (model/block_json.h allows
// 64 KB); SplitLongText cuts longer text at spaces into pieces that fit,
// and TruncateText cuts it to fit, on a character boundary.
inline constexpr size_t kMaxBlockBytes = 60 * 1024;
std::vector<std::string> SplitLongText(std::string_view text);
std::string TruncateText(std::string_view text);

}  // namespace newsdesk::extract_internal
