// File: web/desk_impl.h (internal to web/)
//
// The desk's inside, shared by the files it is written in: desk.cc (the
// gate, the layout, the front page, the language), desk_sources.cc (the
// sources board and its actions), desk_records.cc (people, jobs, the
// audit log) and desk_comments.cc (the comments room). Only those files
// include it; everyone else uses web/desk.h.
#pragma once

#include "web/desk.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/time.h"
#include "common/url.h"
#include "mentions/knowledge.h"
#include "readers/readers.h"
#include "render/catalog.h"
#include "render/templates.h"

namespace newsdesk {

namespace desk_internal {

using nlohmann::json;

inline constexpr const char* kLanguageCookie = "nd_desk_lang";
inline constexpr size_t kMaxFormBytes = 64 * 1024;

inline constexpr int kPageSize = 50;

// FormLimits: how large a desk form may be. Most are a few fields; a
// translation's carries a whole article, one field per block.
struct FormLimits {
  size_t bytes = kMaxFormBytes;
  size_t fields = 64;
};
// The article editor's form carries the whole body, a field or more a block.
inline constexpr size_t kMaxArticleFormBytes = 1000 * 1000;
inline constexpr size_t kMaxArticleFormFields = 4000;

// AtLeast tells whether `role` reaches `least` (reader < moderator < editor < admin).
inline bool AtLeast(Role role, Role least) { return static_cast<int>(role) >= static_cast<int>(least); }


// SeeOther answers a change with where to look next; never cached.
Response SeeOther(const std::string& location);

// ReturnPath is a form's `back` when it is a desk path starting with
// `prefix` (never another host's: no "//"), else `fallback`.
std::string ReturnPath(const std::string& back, std::string_view prefix, std::string fallback);


}  // namespace desk_internal

using namespace desk_internal;

struct DeskRequest;
namespace desk_internal {
// IdFound reads the route's {id} into `r.id`; false when the route has one
// that is not a positive number.
bool IdFound(DeskRequest& r);
}  // namespace desk_internal

// DeskRequest: a request the gate let through — who sent it, in which
// language the desk answers, and the form when it is a POST.
struct DeskRequest {
  const RequestContext& ctx;
  const User& user;
  const std::string& lang;
  const Catalog& cat;
  const FormFields* form = nullptr;  // POST only
  int64_t id = 0;                    // the route's {id}, when it has one (the gate answers 404 to any other)

  std::string Field(std::string_view name) const { return form ? FormValue(*form, name) : std::string(); }
  std::string Query(std::string_view name) const { return ctx.request.QueryParam(name).value_or(""); }
  // csrf is the session's token, for the forms a page shows.
  std::string csrf() const { return ctx.viewer.session ? ctx.viewer.session->csrf_token : ""; }
};

class Desk::Impl {
 public:
  Impl(Store& store, const Config& config, const Templates& templates, std::map<std::string, Catalog> catalogs,
       DeskServices services)
      : store_(store),
        config_(config),
        templates_(templates),
        catalogs_(std::move(catalogs)),
        services_(std::move(services)),
        comments_(store, config, [this] { return Now(); }) {}

  void AddRoutes(RouteTable& routes);

 private:
  using DeskHandler = std::function<Response(const DeskRequest&)>;

  // Page lets GET and HEAD through to `page` for `least` and above; Action
  // lets a POST with the session's CSRF token through to `act`.
  RouteHandler Page(Role least, DeskHandler page);
  RouteHandler Action(Role least, DeskHandler act, FormLimits limits = {});
  // Gate is what both check first: a guest gets 401, a lower role 403.
  std::optional<Response> Refused(const RequestContext& ctx, Role least, const std::string& lang);

  std::string LanguageOf(const Request& req) const;
  const Catalog& CatalogOf(const std::string& lang) const { return catalogs_.at(lang); }
  TimePoint Now() const;

  // Render wraps a desk template in the desk's layout, with its navigation
  // marked at `section`.
  Response Render(const DeskRequest& r, int status, const std::string& title, const std::string& tmpl, json view,
                  const std::string& section);
  // Message is a page with one message (an error or a refusal).
  Response Message(const RequestContext& ctx, const User* user, const std::string& lang, int status,
                   const std::string& title, const std::string& text);
  Response NotFound(const DeskRequest& r) { return Message(r.ctx, &r.user, r.lang, 404, r.cat.Get("error_404_title"), r.cat.Get("error_404_text")); }
  Response StoreFailed(const DeskRequest& r, const Status& s);
  // Failure answers a lookup or change that failed: 404 when what it names
  // is not there, 403 with why when the editor's role does not allow it
  // (a moderator banning an editor), 503 (logged) when the store failed.
  Response Failure(const DeskRequest& r, const Status& s) {
    if (s.is_not_found()) return NotFound(r);
    if (s.code() == Code::kPermissionDenied)
      return Message(r.ctx, &r.user, r.lang, 403, r.cat.Get("error_403_title"), r.cat.Reason(s));
    // A refusal of what the editor asked (the fuzzer found these answered
    // 503, "try again", which no retry mends) is 400 with its reason.
    if (s.code() == Code::kInvalidArgument || s.code() == Code::kAlreadyExists) return Invalid(r, r.cat.Reason(s));
    return StoreFailed(r, s);
  }
  // DoneNotice is the notice a page shows after a change, by its `done`
  // parameter, when it is one of `known`; false otherwise.
  static json DoneNotice(const DeskRequest& r, std::initializer_list<const char*> known);
  // Invalid answers a form that cannot be used: 400 with why.
  Response Invalid(const DeskRequest& r, const std::string& why) {
    return Message(r.ctx, &r.user, r.lang, 400, r.cat.Get("error_400_title"), why);
  }

  // Audit appends what `r.user` just did; a failed append is logged (the
  // change itself stands).
  void Audit(const DeskRequest& r, const std::string& action, const std::string& target, const std::string& summary,
             const std::string& before = "", const std::string& after = "");
  // When writes a time in the desk's language ("—" for none).
  std::string When(const DeskRequest& r, std::optional<TimePoint> t) const;
  // ImageSrc: an image address as a desk page may show it ("" for none).
  std::string ImageSrc(const std::string& url) const {
    if (!IsImageSource(url)) return "";
    return services_.image_src ? services_.image_src(url) : url;
  }

  // --- front page, language ------------------------------------------------
  Response Home(const DeskRequest& r);
  Response PostLanguage(const DeskRequest& r);
  // PostDeskMail switches the editor's own daily desk mail on or off.
  Response PostDeskMail(const DeskRequest& r);

  // --- sources board (desk_sources.cc) --------------------------------------
  Response SourcesBoard(const DeskRequest& r);
  Response SourcePage(const DeskRequest& r);
  json FeedView(const DeskRequest& r, const FeedStatus& f, const std::string& csrf);
  // MonthsOf counts `sources`' articles per day over the chart's 30 days;
  // MonthView is one source's average and bars.
  Result<std::map<int64_t, std::vector<int>>> MonthsOf(const std::vector<int64_t>& sources, TimePoint now);
  json MonthView(const DeskRequest& r, std::vector<int> days);
  Response FeedAction(const DeskRequest& r, const std::string& what);
  Response PauseFeed(const DeskRequest& r) { return FeedAction(r, "pause"); }
  Response ResumeFeed(const DeskRequest& r) { return FeedAction(r, "resume"); }
  Response FetchFeed(const DeskRequest& r) { return FeedAction(r, "fetch"); }
  Response FeedInterval(const DeskRequest& r) { return FeedAction(r, "interval"); }
  Response RemoveSource(const DeskRequest& r);
  // DiscoverSource shows what is found at a URL before it is followed;
  // FollowSource follows it (with the editor's changes) and fetches it once.
  Response DiscoverSource(const DeskRequest& r);
  Response FollowSource(const DeskRequest& r);
  // The extraction rule: its editor, a preview of a page extracted with
  // the rule in force and with the draft side by side, and saving it.
  Response RuleEditor(const DeskRequest& r);
  Response PreviewRule(const DeskRequest& r);
  Response SaveRule(const DeskRequest& r);
  Result<ExtractionRule> RuleForm(const DeskRequest& r);
  Response RulePage(const DeskRequest& r, const SourceStatus& s, const ExtractionRule& draft,
                    const std::string& page_url, json preview, int status);

  // --- articles: incoming, publication, editor, revisions (desk_articles.cc) --
  Response Articles(const DeskRequest& r);
  Response ArticleDesk(const DeskRequest& r);
  Response PostPublication(const DeskRequest& r);
  // PostArticleEdit saves the editor's form (a large one: kArticleForm)
  // as a revision; a correction note makes it public.
  Response PostArticleEdit(const DeskRequest& r);
  Response RevisionPage(const DeskRequest& r);
  Response PostRestoreRevision(const DeskRequest& r);
  // PostHoldPolicy sets whether a source's new articles wait in Incoming.
  Response PostHoldPolicy(const DeskRequest& r);
  std::string PublicationText(const DeskRequest& r, Publication p) const;

  // --- people, jobs, audit (desk_records.cc) --------------------------------
  Response People(const DeskRequest& r);
  Response PostRole(const DeskRequest& r);
  Response PostBan(const DeskRequest& r);
  Response PostPasswordReset(const DeskRequest& r);
  // Ban bans or unbans `target` for `r.user` and audits it; a ban logs them
  // out everywhere and, with `hide`, hides their visible and held comments.
  // InvalidArgument (with a message for the page) when `r.user` may not.
  Status Ban(const DeskRequest& r, const User& target, bool ban, bool hide);
  Response Jobs(const DeskRequest& r);
  Response PostRetryJob(const DeskRequest& r);
  Response AuditLogPage(const DeskRequest& r);

  // --- comments room (desk_comments.cc) -------------------------------------
  // The moderation queue's tabs (pending, reported, hidden, spam) with keyset
  // pages and bulk actions, a ban from a comment, the hold-word list (editors
  // and admins, as readers/ rules), and one reader's history.
  Response CommentsRoom(const DeskRequest& r);
  Response PostCommentsBulk(const DeskRequest& r);
  Response PostCommentBan(const DeskRequest& r);
  Response PostHoldWords(const DeskRequest& r);
  Response CommentHistory(const DeskRequest& r);
  // CommentRow is one comment of a room page, with its checkbox and ban form.
  json CommentRow(const DeskRequest& r, const QueuedComment& q);

  // --- translations (desk_translations.cc) -----------------------------------
  // Translations lists an edition's unreviewed machine translations and its
  // failures; TranslationPage shows one beside its original, block by block.
  Response Translations(const DeskRequest& r);
  Response TranslationPage(const DeskRequest& r);
  // SaveTranslation stores the edited one as human; ReviewTranslation
  // approves a machine one as it is; RetryTranslation queues a failed one again.
  Response SaveTranslation(const DeskRequest& r);
  Response ReviewTranslation(const DeskRequest& r);
  Response RetryTranslation(const DeskRequest& r);
  // TranslationParts: what a translation's page and its save both read —
  // LoadTranslation gives it, NotFound for an unknown edition or article.
  struct TranslationParts {
    std::string edition;
    TranslationListing listing;
    Article article;
    Translation translation;
  };
  Result<TranslationParts> LoadTranslation(const DeskRequest& r);
  // TranslationEditionOf is the route's {lang} when it names an edition.
  std::optional<std::string> TranslationEditionOf(const DeskRequest& r) const;
  // TranslationChanged answers a form about a translation rewritten since it was read (409).
  Response TranslationChanged(const DeskRequest& r);

  // --- entities (desk_entities.cc) -----------------------------------------
  // kRetagLimit: the most articles a change tags again at once.
  static constexpr size_t kRetagLimit = 500;
  Response EntitiesPage(const DeskRequest& r);
  Response CandidatePage(const DeskRequest& r);
  Response EntitySearch(const DeskRequest& r);
  Response EntityPage(const DeskRequest& r);
  Response PostEntityAdd(const DeskRequest& r);
  Response PostEntityAlias(const DeskRequest& r);
  Response PostEntityUnalias(const DeskRequest& r);
  Response PostEntityMerge(const DeskRequest& r);
  Response PostCandidateDismiss(const DeskRequest& r);
  // GazetteerFor is the gazetteer the request was pinned to (the site's),
  // or, on a site started without one, the store's.
  std::shared_ptr<const Gazetteer> GazetteerFor(const DeskRequest& r);
  // Refusal answers a change the knowledge base refused, with its reason in
  // the desk's language (404 unknown, 409 taken, 400 otherwise).
  Response Refusal(const DeskRequest& r, const Status& s);
  // AfterKnowledgeChange logs `change`, hands its gazetteer to the site and
  // tags again the articles that use unknown names `keys` and those that
  // mention entity `mentioning` (up to kRetagLimit); how many changed.
  size_t AfterKnowledgeChange(const DeskRequest& r, const KnowledgeChange& change, const std::vector<std::string>& keys,
                              const std::string& mentioning);
  // KeysOf is the candidate keys of `forms`, as FindNameCandidates makes them.
  static std::vector<std::string> KeysOf(const std::vector<std::string>& forms);
  static json EntityNotice(const DeskRequest& r);

  Store& store_;
  const Config& config_;
  const Templates& templates_;
  const std::map<std::string, Catalog> catalogs_;
  DeskServices services_;
  Comments comments_;  // readers/' moderation rules, which the desk's comments room uses
};

}  // namespace newsdesk
