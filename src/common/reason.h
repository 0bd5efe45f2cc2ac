// File: common/reason.h
//
// `Reason`: why something was refused or repaired, said to a reader, as a
// stable code with named values, not as an English sentence. A library
// attaches one to the `Status` it returns (or, for search notices, lists
// them); the pages give it to `Catalog::Reason`, which looks the code's key
// up in the edition's catalog ("reasons.password_too_short") and puts the
// values in its {placeholders}. The English sentence for a reader is the
// `en` catalog's text; the Status message stays English for logs and the
// JSON API.
//
//   return Status::InvalidArgument(fmt::format("the password must be at least {} characters long", n))
//       .With(ReasonCode::kPasswordTooShort, {{"min", std::to_string(n)}});
//
// Adding a refusal: add a line to ND_REASON_CODES (code, catalog key, the
// placeholders its text uses) and its text to every i18n/*.json;
// catalog_test fails until every catalog has it with those placeholders.
// Pitfall: the keys are stored nowhere and may be renamed together with the
// catalogs; the English text may be reworded freely.
// Thread-safety: values; safe to copy between threads.
#pragma once

#include <span>
#include <string>
#include <utility>
#include <vector>

namespace newsdesk {

// ND_REASON_CODES(X) lists every reason: X(code, "catalog_key", "placeholder,names").
#define ND_REASON_CODES(X) \
  X(kWrongLogin, "wrong_login", "") \
  X(kLoginThrottled, "login_throttled", "minutes") \
  X(kLoginThrottledMinute, "login_throttled_minute", "") \
  X(kLoginUnconfirmed, "login_unconfirmed", "email") \
  X(kFormStale, "form_stale", "") \
  X(kSessionExpired, "session_expired", "") \
  X(kNotLoggedIn, "not_logged_in", "") \
  X(kCurrentPasswordWrong, "current_password_wrong", "") \
  X(kDisplayNameEmpty, "display_name_empty", "") \
  X(kDisplayNameNotUtf8, "display_name_not_utf8", "") \
  X(kDisplayNameControl, "display_name_control", "") \
  X(kDisplayNameInvisible, "display_name_invisible", "") \
  X(kBanHigherRole, "ban_higher_role", "") \
  X(kDisplayNameLikeStaff, "display_name_like_staff", "name") \
  X(kDisplayNameTooLong, "display_name_too_long", "length,max") \
  X(kEmailEmpty, "email_empty", "") \
  X(kEmailTooLong, "email_too_long", "max") \
  X(kEmailNeedsOneAt, "email_needs_one_at", "email") \
  X(kEmailMisplacedDot, "email_misplaced_dot", "email") \
  X(kEmailDomainMalformed, "email_domain_malformed", "email") \
  X(kEmailDomainNeedsDot, "email_domain_needs_dot", "email") \
  X(kEmailLocalLength, "email_local_length", "email,min,max") \
  X(kEmailLocalChar, "email_local_char", "email,char") \
  X(kPasswordTooShort, "password_too_short", "min") \
  X(kPasswordTooLong, "password_too_long", "max") \
  X(kPasswordIsEmail, "password_is_email", "") \
  X(kFormHoneypot, "form_honeypot", "") \
  X(kConfirmLinkInvalid, "confirm_link_invalid", "") \
  X(kConfirmLinkUnknown, "confirm_link_unknown", "") \
  X(kConfirmLinkExpired, "confirm_link_expired", "") \
  X(kEmailConfirmedAlready, "email_confirmed_already", "") \
  X(kResetLinkInvalid, "reset_link_invalid", "") \
  X(kResetLinkUnknown, "reset_link_unknown", "") \
  X(kResetLinkExpired, "reset_link_expired", "") \
  X(kLoginLinkInvalid, "login_link_invalid", "") \
  X(kLoginLinkUnknown, "login_link_unknown", "") \
  X(kLoginLinkExpired, "login_link_expired", "") \
  X(kRepliesUnsubscribeLinkInvalid, "replies_unsubscribe_link_invalid", "") \
  X(kAccountDeleted, "account_deleted", "") \
  X(kBannedFromCommenting, "banned_from_commenting", "") \
  X(kCommentUnconfirmed, "comment_unconfirmed", "") \
  X(kCommentEmpty, "comment_empty", "") \
  X(kCommentControl, "comment_control", "") \
  X(kCommentNotUtf8, "comment_not_utf8", "") \
  X(kCommentTooLong, "comment_too_long", "length,max") \
  X(kNewAccountNoLinks, "new_account_no_links", "hours,links") \
  X(kNewAccountTooManyLinks, "new_account_too_many_links", "hours,max,links") \
  X(kCommentRateUser, "comment_rate_user", "count,minutes") \
  X(kCommentRateNetwork, "comment_rate_network", "count,minutes") \
  X(kCommentRateUserMinute, "comment_rate_user_minute", "count") \
  X(kCommentRateNetworkMinute, "comment_rate_network_minute", "count") \
  X(kReplyParentMissing, "reply_parent_missing", "") \
  X(kReplyParentElsewhere, "reply_parent_elsewhere", "") \
  X(kReplyParentRemoved, "reply_parent_removed", "") \
  X(kEditNotOwn, "edit_not_own", "") \
  X(kEditRemoved, "edit_removed", "") \
  X(kEditTooLate, "edit_too_late", "minutes") \
  X(kEditTooLateMinute, "edit_too_late_minute", "") \
  X(kDeleteNotOwn, "delete_not_own", "") \
  X(kHideNotModerator, "hide_not_moderator", "") \
  X(kRestoreNotModerator, "restore_not_moderator", "") \
  X(kBanNotModerator, "ban_not_moderator", "") \
  X(kReportsNotModerator, "reports_not_moderator", "") \
  X(kQueueNotModerator, "queue_not_moderator", "") \
  X(kHoldListNotEditor, "hold_list_not_editor", "") \
  X(kHoldWordNoLetters, "hold_word_no_letters", "word") \
  X(kBanSelf, "ban_self", "") \
  X(kCommentDeletedAlready, "comment_deleted_already", "") \
  X(kRestoreDeleted, "restore_deleted", "") \
  X(kReportNotShown, "report_not_shown", "") \
  X(kReportOwn, "report_own", "") \
  X(kReportReasonTooLong, "report_reason_too_long", "max") \
  X(kReportReasonNotUtf8, "report_reason_not_utf8", "") \
  X(kHeldAll, "held_all", "") \
  X(kHeldFirst, "held_first", "") \
  X(kHeldLinks, "held_links", "links,max") \
  X(kHeldWord, "held_word", "") \
  X(kFormTooLarge, "form_too_large", "") \
  X(kFormTooManyFields, "form_too_many_fields", "") \
  X(kFormBadEscape, "form_bad_escape", "") \
  X(kFormNotUtf8, "form_not_utf8", "") \
  X(kFormForeign, "form_foreign", "") \
  X(kNoSuchEdition, "no_such_edition", "edition") \
  X(kFollowTooMany, "follow_too_many", "max") \
  X(kFollowUnknown, "follow_unknown", "") \
  X(kSubscribeBadEmail, "subscribe_bad_email", "") \
  X(kSubscribeAddressRefused, "subscribe_address_refused", "") \
  X(kSubscriptionLinkInvalid, "subscription_link_invalid", "") \
  X(kSubscriptionLinkExpired, "subscription_link_expired", "") \
  X(kSubscriptionCancelled, "subscription_cancelled", "") \
  X(kSearchQueryCut, "search_query_cut", "max") \
  X(kSearchOnlyCommonWords, "search_only_common_words", "") \
  X(kSearchEmpty, "search_empty", "") \
  X(kSearchPageLimit, "search_page_limit", "max") \
  X(kSearchOperatorsAsWords, "search_operators_as_words", "") \
  X(kSearchSyntaxAsWords, "search_syntax_as_words", "") \
  X(kSearchBadDate, "search_bad_date", "filter") \
  /* the knowledge base (mentions/knowledge.h) */ \
  X(kEntityIdInvalid, "entity_id_invalid", "id") \
  X(kEntityTypeUnknown, "entity_type_unknown", "type") \
  X(kEntityNameMissing, "entity_name_missing", "") \
  X(kEntityTextInvalid, "entity_text_invalid", "max") \
  X(kEntityLanguageInvalid, "entity_language_invalid", "") \
  X(kEntityExists, "entity_exists", "id") \
  X(kEntityIdMerged, "entity_id_merged", "id,into") \
  X(kEntityUnknown, "entity_unknown", "id") \
  X(kEntityFormTaken, "entity_form_taken", "form") \
  X(kEntityFormPresent, "entity_form_present", "form,id") \
  X(kEntityFormMissing, "entity_form_missing", "form,id") \
  X(kEntityMergeSelf, "entity_merge_self", "") \
  X(kCandidateKeyInvalid, "candidate_key_invalid", "") \
  /* end */

enum class ReasonCode {
  kNone,  // no code: the refusal is shown as its English message
#define ND_REASON_ENUM(code, key, params) code,
  ND_REASON_CODES(ND_REASON_ENUM)
#undef ND_REASON_ENUM
};

// ReasonInfo describes one code: its catalog key and the placeholders
// ("min", "email") its text uses, comma-separated.
struct ReasonInfo {
  ReasonCode code;
  const char* key;
  const char* params;
};

// AllReasons lists every code but kNone, in declaration order.
std::span<const ReasonInfo> AllReasons();
// ReasonKey is `code`'s catalog key; "" for kNone.
const char* ReasonKey(ReasonCode code);

// A Reason is a code and the values for its placeholders, e.g.
// {kCommentTooLong, {{"length", "5000"}, {"max", "4000"}}}.
struct Reason {
  using Args = std::vector<std::pair<std::string, std::string>>;
  ReasonCode code = ReasonCode::kNone;
  Args args;

  bool empty() const { return code == ReasonCode::kNone; }
  friend bool operator==(const Reason&, const Reason&) = default;
};

}  // namespace newsdesk
