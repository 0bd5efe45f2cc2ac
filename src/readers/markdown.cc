// Comment Markdown → safe HTML with cmark-gfm.
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include <cstdlib>
#include <memory>
#include <mutex>
#include <vector>

#include "common/text.h"
#include "readers/readers.h"

namespace newsdesk {

namespace {

struct ParserDeleter {
  void operator()(cmark_parser* p) const { cmark_parser_free(p); }
};
struct NodeDeleter {
  void operator()(cmark_node* n) const { cmark_node_free(n); }
};

bool InsideLink(cmark_node* node) {
  for (cmark_node* p = cmark_node_parent(node); p; p = cmark_node_parent(p))
    if (cmark_node_get_type(p) == CMARK_NODE_LINK) return true;
  return false;
}

// ImageToLink replaces an image by a link to it with the same text: readers'
// comments must not load pictures from elsewhere into our pages. Inside a
// link (links can't nest) only the image's text is left.
void ImageToLink(cmark_node* image) {
  if (InsideLink(image)) {
    while (cmark_node* child = cmark_node_first_child(image)) cmark_node_insert_before(image, child);
    cmark_node_free(image);
    return;
  }
  cmark_node* link = cmark_node_new(CMARK_NODE_LINK);
  cmark_node_set_url(link, cmark_node_get_url(image));
  cmark_node_set_title(link, cmark_node_get_title(image));
  while (cmark_node* child = cmark_node_first_child(image)) cmark_node_append_child(link, child);
  cmark_node_replace(image, link);
  cmark_node_free(image);
}

// AddRelToLinks marks every link as user content that earns no ranking.
// With raw HTML omitted every "<a href=" in the output is cmark's own: text
// that looks like a tag comes out escaped as "&lt;a".
std::string AddRelToLinks(const std::string& html) {
  static constexpr std::string_view kTag = "<a href=\"";
  std::string out;
  out.reserve(html.size() + 64);
  size_t from = 0;
  for (size_t at; (at = html.find(kTag, from)) != std::string::npos; from = at + kTag.size()) {
    out.append(html, from, at - from);
    out += "<a rel=\"nofollow ugc\" href=\"";
  }
  out.append(html, from, std::string::npos);
  return out;
}

}  // namespace

RenderedComment RenderCommentMarkdown(const std::string& markdown) {
  static std::once_flag registered;
  std::call_once(registered, [] { cmark_gfm_core_extensions_ensure_registered(); });

  // CMARK_OPT_DEFAULT is the safe mode: raw HTML becomes a comment and
  // javascript:, vbscript:, file: and data: links lose their URL.
  const int options = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8;
  std::unique_ptr<cmark_parser, ParserDeleter> parser(cmark_parser_new(options));
  if (cmark_syntax_extension* autolink = cmark_find_syntax_extension("autolink"))
    cmark_parser_attach_syntax_extension(parser.get(), autolink);
  cmark_parser_feed(parser.get(), markdown.data(), markdown.size());
  std::unique_ptr<cmark_node, NodeDeleter> doc(cmark_parser_finish(parser.get()));

  RenderedComment out;
  std::vector<cmark_node*> images;
  cmark_iter* iter = cmark_iter_new(doc.get());
  for (cmark_event_type ev; (ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE;) {
    if (ev != CMARK_EVENT_ENTER) continue;
    cmark_node* node = cmark_iter_get_node(iter);
    const cmark_node_type type = cmark_node_get_type(node);
    if (type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE) {
      ++out.links;
      // cmark's safe mode keeps data:image/… URLs; a comment's link never
      // carries data (docs/readers.md), so it loses its URL like javascript:.
      const char* url = cmark_node_get_url(node);
      std::string scheme = url ? AsciiLower(Trim(std::string(url).substr(0, 16))) : "";
      if (scheme.rfind("data:", 0) == 0) cmark_node_set_url(node, "");
    }
    if (type == CMARK_NODE_IMAGE) images.push_back(node);
  }
  cmark_iter_free(iter);
  for (cmark_node* image : images) ImageToLink(image);

  char* html = cmark_render_html(doc.get(), options, cmark_parser_get_syntax_extensions(parser.get()));
  // Characters that show nothing but reorder or hide text (U+202E, U+200B)
  // never reach a page (issue 18).
  out.html = WithoutInvisibleChars(AddRelToLinks(html ? html : ""));
  std::free(html);
  return out;
}

}  // namespace newsdesk
