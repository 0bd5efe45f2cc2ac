// PrepareDocument (extract/content.h): Readability's preparation of a page
// before scoring — noscript images unwrapped over their lazy placeholders,
// scripts, styles and <nav> gone, chains of <br> made paragraphs, <font>
// made <span>. Edits the Document; one thread per Document.
#include "extract/content.h"
#include "extract/content_internal.h"

namespace newsdesk::extract_internal {

namespace {

bool HasImageExtension(std::string_view v) {
  for (std::string_view ext : {".jpg", ".jpeg", ".png", ".webp"})
    if (ContainsCI(v, ext)) return true;
  return false;
}

bool IsSingleImage(const Node* n) {
  // Any text below `n` rules it out; one look covers every level.
  if (!IsBlankText(TextContent(n))) return false;
  while (n) {
    if (n->Is(GUMBO_TAG_IMG)) return true;
    if (n->ElementChildCount() != 1) return false;
    n = n->FirstElementChild();
  }
  return false;
}

void UnwrapNoscriptImages(Document& doc) {
  Node* root = doc.root();
  // Images with no source at all are placeholders for the noscript ones.
  for (Node* img : Collect(root, [](Node* n) { return n->Is(GUMBO_TAG_IMG); })) {
    bool keep = false;
    for (uint32_t i = 0; i < img->attr_count && !keep; ++i) {
      std::string_view name = img->attrs[i].name;
      keep = name == "src" || name == "srcset" || name == "data-src" || name == "data-srcset" ||
             HasImageExtension(img->attrs[i].value);
    }
    if (!keep) Detach(img);
  }
  for (Node* noscript : Collect(root, [](Node* n) { return n->Is(GUMBO_TAG_NOSCRIPT); })) {
    if (!noscript->parent || !IsSingleImage(noscript)) continue;
    Node* prev = noscript->PrevElementSibling();
    if (!prev || !IsSingleImage(prev)) continue;
    Node* prev_img = prev;
    if (!prev_img->Is(GUMBO_TAG_IMG))
      for (Node* d = prev->first_child; d; d = NextNode(d, prev))
        if (d->Is(GUMBO_TAG_IMG)) {
          prev_img = d;
          break;
        }
    Node* replacement = noscript->FirstElementChild();
    Node* new_img = replacement;
    while (new_img && !new_img->Is(GUMBO_TAG_IMG)) new_img = new_img->FirstElementChild();
    if (!replacement || !new_img) continue;
    for (uint32_t i = 0; i < prev_img->attr_count; ++i) {
      Attribute a = prev_img->attrs[i];
      if (a.value.empty()) continue;
      if (a.name == "src" || a.name == "srcset" || HasImageExtension(a.value)) {
        if (new_img->Attr(a.name) == a.value) continue;
        std::string name(a.name);
        if (new_img->HasAttr(name)) name = "data-old-" + name;
        doc.SetAttr(new_img, name, a.value);
      }
    }
    ReplaceWith(prev, replacement);
  }
}

// NextNonBlank is Readability's _nextNode: skips whitespace-only text.
Node* NextNonBlank(Node* n) {
  while (n && !n->is_element() && IsBlankText(n->text)) n = n->next;
  return n;
}
}  // namespace

void PrepareDocument(Document& doc) {
  UnwrapNoscriptImages(doc);
  Node* root = doc.root();
  for (Node* n : Collect(root, [](Node* n) {
         // <nav> is navigation by definition, whatever else the page says.
         return n->Is(GUMBO_TAG_SCRIPT) || n->Is(GUMBO_TAG_NOSCRIPT) || n->Is(GUMBO_TAG_STYLE) ||
                n->Is(GUMBO_TAG_TEMPLATE) || n->Is(GUMBO_TAG_NAV);
       }))
    Detach(n);
  Node* body = doc.body();
  if (!body) return;
  // Chains of two or more <br> become a paragraph of what follows.
  for (Node* br : Collect(body, [](Node* n) { return n->Is(GUMBO_TAG_BR); })) {
    if (!br->parent) continue;
    Node* next = br->next;
    bool replaced = false;
    while ((next = NextNonBlank(next)) && next->Is(GUMBO_TAG_BR)) {
      replaced = true;
      Node* sibling = next->next;
      Detach(next);
      next = sibling;
    }
    if (!replaced) continue;
    Node* p = doc.NewElement(GUMBO_TAG_P);
    ReplaceWith(br, p);
    next = p->next;
    while (next) {
      if (next->Is(GUMBO_TAG_BR)) {
        Node* after = NextNonBlank(next->next);
        if (after && after->Is(GUMBO_TAG_BR)) break;
      }
      if (!IsPhrasingContent(next)) break;
      Node* sibling = next->next;
      AppendChild(p, next);
      next = sibling;
    }
    while (p->last_child && ((p->last_child->is_text() && IsBlankText(p->last_child->text)) ||
                             p->last_child->Is(GUMBO_TAG_BR)))
      Detach(p->last_child);
    if (p->parent && p->parent->Is(GUMBO_TAG_P)) Document::Retag(p->parent, GUMBO_TAG_DIV);
  }
  for (Node* n = body->first_child; n; n = NextNode(n, body))
    if (n->Is(GUMBO_TAG_FONT)) Document::Retag(n, GUMBO_TAG_SPAN);
}

}  // namespace newsdesk::extract_internal
