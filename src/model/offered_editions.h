// File: model/offered_editions.h
//
// Which versions of an article search engines are offered (issue 17): an
// article is offered in its own language's edition and in those it is
// translated into, less the unreviewed machine translations while
// [site] noindex_machine_translations is on (their pages say noindex). The
// article pages' hreflang alternates (web/page_meta.h), the sitemaps and
// the publish pings (publish/pings.h) all follow this one rule.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "common/config.h"
#include "model/article.h"

namespace newsdesk {

// OfferedTranslations is the languages of `a`'s translations offered.
std::vector<std::string> OfferedTranslations(const Article& a, const Config& config);
// OfferedEditions is the configured editions offering an article written in
// `language` with `offered_translations`, in the configured order.
std::vector<std::string> OfferedEditions(const std::string& language, const std::vector<std::string>& offered_translations,
                                         const Config& config);

}  // namespace newsdesk
