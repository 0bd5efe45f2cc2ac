// XML documents the site writes (RSS, OPML; sitemaps and Atom next): each
// starts with its UTF-8 declaration, and each text element is one call.
#pragma once

#include <sstream>
#include <string>

#include <pugixml.hpp>

namespace newsdesk {

// StartXmlDocument gives `doc` its declaration and a root element `root`.
inline pugi::xml_node StartXmlDocument(pugi::xml_document& doc, const char* root) {
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  return doc.append_child(root);
}

// StartXmlDocument gives `doc` its declaration and a root element `root`
// with the attribute version="`version`".
inline pugi::xml_node StartXmlDocument(pugi::xml_document& doc, const char* root, const char* version) {
  auto element = StartXmlDocument(doc, root);
  element.append_attribute("version") = version;
  return element;
}

// AppendText adds <name>value</name> under `parent`.
inline pugi::xml_node AppendText(pugi::xml_node parent, const char* name, const std::string& value) {
  auto child = parent.append_child(name);
  child.text().set(value.c_str());
  return child;
}

// XmlToString writes `doc` indented by two spaces, in UTF-8.
inline std::string XmlToString(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  return out.str();
}

}  // namespace newsdesk
