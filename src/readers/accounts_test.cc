#include <fmt/format.h>
#include <sys/stat.h>

#include <fstream>

#include "readers/testing/readers_fixture.h"

namespace newsdesk {
namespace {

using testing_readers::ReadersTest;
using AccountsTest = ReadersTest;

constexpr const char* kPassword = "correct horse battery";

RegistrationForm Form(const std::string& email, const std::string& name = "Анна") {
  return RegistrationForm{email, name, kPassword, "192.0.2.1", ""};
}

TEST(NormalizeEmailTest, LowerCasesTrimsAndRefusesMalformedAddresses) {
  EXPECT_EQ(*NormalizeEmail("  Ann.Lee+news@Example.ORG "), "ann.lee+news@example.org");
  for (const char* bad : {"", "ann", "ann@", "@example.org", "ann@example", "ann@@example.org", "a b@example.org",
                          "ann@exa_mple.org", "ann@-example.org", ".ann@example.org", "ann..lee@example.org",
                          "анна@example.org", "ann@example.org\r\nBcc: x@y.org", "<ann@example.org>"}) {
    auto e = NormalizeEmail(bad);
    EXPECT_EQ(e.status().code(), Code::kInvalidArgument) << bad;
  }
}

TEST_F(AccountsTest, RegisterConfirmThenLogIn) {
  auto acc = accounts();
  auto reg = acc.Register(Form("Ann@Example.org"));
  ASSERT_TRUE(reg.ok()) << reg.status().ToString();
  EXPECT_EQ(reg->user.email, "ann@example.org");
  EXPECT_EQ(reg->user.display_name, "Анна");
  EXPECT_EQ(reg->user.role, Role::kReader);
  EXPECT_FALSE(reg->user.email_confirmed);
  EXPECT_EQ(reg->user.password_hash.rfind("$argon2id$", 0), 0u) << reg->user.password_hash;
  EXPECT_EQ(reg->confirm_token.size(), 43u);

  auto before = acc.Login("ann@example.org", kPassword, "192.0.2.1");
  ASSERT_FALSE(before.ok());
  EXPECT_NE(before.status().message().find("confirm your e-mail"), std::string::npos);

  auto confirmed = acc.ConfirmEmail(reg->confirm_token);
  ASSERT_TRUE(confirmed.ok()) << confirmed.status().ToString();
  EXPECT_TRUE(confirmed->email_confirmed);
  EXPECT_TRUE(acc.ConfirmEmail(reg->confirm_token).status().is_not_found()) << "a confirmation link works once";

  auto login = acc.Login(" ANN@example.org", kPassword, "192.0.2.1");
  ASSERT_TRUE(login.ok()) << login.status().ToString();
  EXPECT_EQ(login->session_token.size(), 43u);
  auto session = acc.Authenticate(login->session_token);
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  EXPECT_EQ(session->user.id, reg->user.id);
  EXPECT_EQ(session->csrf_token, login->csrf_token);
}

TEST_F(AccountsTest, StoresOnlyHashesOfSessionTokens) {
  AddReader("ann@example.org");
  auto login = accounts().Login("ann@example.org", kPassword, "192.0.2.1");
  ASSERT_TRUE(login.ok());
  EXPECT_TRUE(store_->GetSession(login->session_token).status().is_not_found());
  std::ifstream db(dir_ / "newsdesk.db", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(db)), {});
  std::ifstream wal(dir_ / "newsdesk.db-wal", std::ios::binary);
  bytes.append((std::istreambuf_iterator<char>(wal)), {});
  EXPECT_EQ(bytes.find(login->session_token), std::string::npos);
  EXPECT_EQ(bytes.find(kPassword), std::string::npos);
}

TEST_F(AccountsTest, EachLoginGetsANewToken) {
  AddReader("ann@example.org");
  auto a = accounts().Login("ann@example.org", kPassword, "192.0.2.1");
  auto b = accounts().Login("ann@example.org", kPassword, "192.0.2.1");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->session_token, b->session_token);
  EXPECT_NE(a->csrf_token, b->csrf_token);
}

TEST_F(AccountsTest, RefusesWeakPasswordsBadNamesTakenEmailsAndRobots) {
  auto acc = accounts();
  auto too_short = acc.Register(RegistrationForm{"a@example.org", "Ann", "short pw", "", ""});
  EXPECT_NE(too_short.status().message().find("at least 10"), std::string::npos) << too_short.status().ToString();
  auto is_email = acc.Register(RegistrationForm{"long.name@example.org", "Ann", "Long.Name@example.org", "", ""});
  EXPECT_NE(is_email.status().message().find("e-mail"), std::string::npos) << is_email.status().ToString();
  EXPECT_EQ(acc.Register(Form("a@example.org", "")).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(acc.Register(Form("a@example.org", std::string(61, 'x'))).status().code(), Code::kInvalidArgument);
  EXPECT_TRUE(acc.Register(Form("a@example.org", std::string(60, 'x'))).ok());
  EXPECT_EQ(acc.Register(Form("A@example.org")).status().code(), Code::kAlreadyExists);
  EXPECT_EQ(acc.Register(Form("b@example.org", "Ann\nBcc")).status().code(), Code::kInvalidArgument);
  auto robot = Form("c@example.org");
  robot.honeypot = "http://spam.example/";
  EXPECT_EQ(acc.Register(robot).status().code(), Code::kInvalidArgument);
}

// Issue 18, finding 4: "\u202enimdA" showed as "Admin". Invisible and
// direction-changing characters are refused, and so is a name no reader
// could tell from a staff member's (ICU's confusable skeleton, case aside).
TEST_F(AccountsTest, RefusesInvisibleCharactersAndNamesConfusableWithStaff) {
  AddReader("admin@example.org", "Admin", 48, Role::kAdmin);
  AddReader("mod@example.org", "Ольга Модератор", 48, Role::kModerator);
  auto acc = accounts();
  for (const char* name : {"\u202enimdA", "Ann\u200b", "\u2066Ann\u2069", "\u3164"}) {
    auto r = acc.Register(Form("x@example.org", name));
    ASSERT_FALSE(r.ok()) << name;
    EXPECT_NE(r.status().message().find("invisible"), std::string::npos) << r.status().ToString();
  }
  // "Аdmin" with a Cyrillic А; other cases; a Latin M among Cyrillic letters.
  for (const char* name : {"\u0410dmin", "ADMIN", "AdmIn", "\u041eльга \u041cодератор", "Ольга Mодератор"}) {
    auto r = acc.Register(Form("y@example.org", name));
    ASSERT_FALSE(r.ok()) << name;
    EXPECT_NE(r.status().message().find("staff"), std::string::npos) << r.status().ToString();
  }
  EXPECT_TRUE(acc.Register(Form("z@example.org", "Admiral")).ok());
  EXPECT_TRUE(acc.Register(Form("w@example.org", "❤️ Ann 👩‍🔬")).ok()) << "emoji keep their joiners";
  // A reader may not take a staff name by renaming either; staff keep theirs.
  const User reader = AddReader("r@example.org", "Reader One");
  EXPECT_FALSE(acc.ChangeDisplayName(reader.id, "admin").ok());
  auto admin = acc.FindByEmail("admin@example.org");
  ASSERT_TRUE(admin.ok());
  EXPECT_TRUE(acc.ChangeDisplayName(admin->id, "ADMIN").ok());
}

TEST_F(AccountsTest, WrongPasswordAndUnknownEmailGetTheSameAnswer) {
  AddReader("ann@example.org");
  auto wrong = accounts().Login("ann@example.org", "not the password", "192.0.2.1");
  auto unknown = accounts().Login("bob@example.org", kPassword, "192.0.2.1");
  ASSERT_FALSE(wrong.ok());
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(wrong.status().message(), unknown.status().message());
}

TEST_F(AccountsTest, ThrottlesAnAccountAfterFiveFailuresEvenWithTheRightPasswordFromAFailingAddress) {
  AddReader("ann@example.org");
  auto acc = accounts();
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(acc.Login("ann@example.org", "wrong password!", fmt::format("198.51.100.{}", i)).status().code(),
              Code::kInvalidArgument);
  auto throttled = acc.Login("ann@example.org", kPassword, "198.51.100.4");
  ASSERT_EQ(throttled.status().code(), Code::kUnavailable) << throttled.status().ToString();
  EXPECT_NE(throttled.status().message().find("try again in 15 minutes"), std::string::npos);
  now_ += std::chrono::minutes(16);
  EXPECT_TRUE(acc.Login("ann@example.org", kPassword, "198.51.100.4").ok());
}

// Issue 18, finding 3: five wrong passwords from one address locked the
// owner out for 15 minutes. The lock stays for the guesser, but the right
// password gets through from a device that logged in before, or from an
// address with no failures; a wrong one from there counts and is refused.
TEST_F(AccountsTest, ALockedAccountLetsItsOwnerInFromAKnownDeviceOrACleanAddress) {
  const int64_t ann = AddReader("ann@example.org").id;
  auto acc = accounts();
  const std::string device = acc.DeviceToken(ann);
  EXPECT_NE(device, acc.DeviceToken(ann + 1));
  for (int i = 0; i < 5; ++i) (void)acc.Login("ann@example.org", "wrong password!", "203.0.113.66");
  EXPECT_EQ(acc.Login("ann@example.org", kPassword, "203.0.113.66").status().code(), Code::kUnavailable)
      << "the guesser's address stays locked out, right password or not";
  EXPECT_TRUE(acc.Login("ann@example.org", kPassword, "203.0.113.66", device).ok()) << "a known device";
  for (int i = 0; i < 5; ++i) (void)acc.Login("ann@example.org", "wrong password!", "203.0.113.66");
  EXPECT_EQ(acc.Login("ann@example.org", kPassword, "203.0.113.66", acc.DeviceToken(ann + 1)).status().code(),
            Code::kUnavailable)
      << "another account's device is no key";
  EXPECT_TRUE(acc.Login("ann@example.org", kPassword, "192.0.2.1").ok()) << "an address with no failures";
  for (int i = 0; i < 5; ++i) (void)acc.Login("ann@example.org", "wrong password!", "203.0.113.66");
  EXPECT_EQ(acc.Login("ann@example.org", "another guess!", "192.0.2.7").status().code(), Code::kUnavailable)
      << "a wrong password from a clean address while locked is refused and counted";
  EXPECT_EQ(acc.Login("ann@example.org", kPassword, "192.0.2.7").status().code(), Code::kUnavailable);
}

// Issue 18, finding 3: a mailed one-time link is the way past a lock from
// a new device on a guessed-at address: it works once, expires, unlocks.
TEST_F(AccountsTest, AMailedLogInLinkGetsPastALockOnceAndExpires) {
  AddReader("ann@example.org");
  auto acc = accounts();
  for (int i = 0; i < 5; ++i) (void)acc.Login("ann@example.org", "wrong password!", "203.0.113.66");
  ASSERT_EQ(acc.Login("ann@example.org", kPassword, "203.0.113.66").status().code(), Code::kUnavailable);
  auto token = acc.RequestLogInLink("ann@example.org");
  ASSERT_TRUE(token.ok() && token->has_value()) << token.status().ToString();
  auto login = acc.LogInWithLink(**token);
  ASSERT_TRUE(login.ok()) << login.status().ToString();
  EXPECT_EQ(login->user.email, "ann@example.org");
  EXPECT_TRUE(acc.Authenticate(login->session_token).ok());
  EXPECT_TRUE(acc.LogInWithLink(**token).status().is_not_found()) << "used once";
  EXPECT_TRUE(acc.Login("ann@example.org", kPassword, "203.0.113.66").ok()) << "the link cleared the lock";

  EXPECT_FALSE(acc.RequestLogInLink("nobody@example.org")->has_value()) << "an unknown address gets no link";
  EXPECT_TRUE(acc.LogInWithLink("not-a-token").status().is_not_found());
  auto reset = acc.RequestPasswordReset("ann@example.org");
  EXPECT_TRUE(acc.LogInWithLink(**reset).status().is_not_found()) << "a reset link does not log in";
  auto late = acc.RequestLogInLink("ann@example.org");
  now_ += std::chrono::minutes(61);
  EXPECT_EQ(acc.LogInWithLink(**late).status().code(), Code::kInvalidArgument) << "expired";
}

TEST_F(AccountsTest, ThrottlesAnAddressTryingManyAccounts) {
  config_.login_failures_per_address = 3;
  AddReader("ann@example.org");
  auto acc = accounts();
  for (int i = 0; i < 3; ++i) (void)acc.Login(fmt::format("user{}@example.org", i), "guess guess", "203.0.113.9");
  EXPECT_EQ(acc.Login("ann@example.org", kPassword, "203.0.113.9").status().code(), Code::kUnavailable);
  EXPECT_TRUE(acc.Login("ann@example.org", kPassword, "192.0.2.1").ok()) << "other addresses are not affected";
}

TEST_F(AccountsTest, SessionsExpireAndLogoutEndsThem) {
  config_.session_days = 1;
  AddReader("ann@example.org");
  auto acc = accounts();
  auto a = acc.Login("ann@example.org", kPassword, "192.0.2.1");
  auto b = acc.Login("ann@example.org", kPassword, "192.0.2.1");
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(acc.Logout(a->session_token).ok());
  EXPECT_TRUE(acc.Authenticate(a->session_token).status().is_not_found());
  EXPECT_TRUE(acc.Authenticate(b->session_token).ok());
  now_ += std::chrono::hours(25);
  EXPECT_TRUE(acc.Authenticate(b->session_token).status().is_not_found());
  EXPECT_TRUE(acc.Authenticate("").status().is_not_found());
  EXPECT_TRUE(acc.Authenticate("' OR 1=1 --").status().is_not_found());
}

TEST_F(AccountsTest, CsrfTokenIsValidOnlyForItsOwnSession) {
  AddReader("ann@example.org");
  AddReader("bob@example.org");
  auto acc = accounts();
  auto ann = acc.Login("ann@example.org", kPassword, "192.0.2.1");
  auto bob = acc.Login("bob@example.org", kPassword, "192.0.2.1");
  ASSERT_TRUE(ann.ok() && bob.ok());
  EXPECT_TRUE(acc.VerifyCsrf(ann->session_token, ann->csrf_token).ok());
  EXPECT_EQ(acc.VerifyCsrf(ann->session_token, bob->csrf_token).code(), Code::kInvalidArgument);
  EXPECT_EQ(acc.VerifyCsrf(ann->session_token, "").code(), Code::kInvalidArgument);
  std::string tampered = ann->csrf_token;
  tampered[5] = tampered[5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(acc.VerifyCsrf(ann->session_token, tampered).code(), Code::kInvalidArgument);
  EXPECT_EQ(acc.VerifyCsrf("", ann->csrf_token).code(), Code::kInvalidArgument);
}

TEST_F(AccountsTest, CsrfTokensDependOnTheSiteSecret) {
  AddReader("ann@example.org");
  auto login = accounts().Login("ann@example.org", kPassword, "192.0.2.1");
  ASSERT_TRUE(login.ok());
  SiteSecret other{std::string(32, 'k')};
  Accounts elsewhere(*store_, config_, other, clock());
  EXPECT_FALSE(elsewhere.VerifyCsrf(login->session_token, login->csrf_token).ok());
}

TEST_F(AccountsTest, SiteSecretIsMadeOnceAndPrivate) {
  auto again = LoadOrCreateSiteSecret(dir_.string());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->bytes, secret_.bytes);
  EXPECT_EQ(again->bytes.size(), 32u);
  struct stat st {};
  ASSERT_EQ(::stat((dir_ / "site_secret").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
}

TEST_F(AccountsTest, PasswordResetWorksOnceAndExpires) {
  AddReader("ann@example.org");
  auto acc = accounts();
  auto old_session = acc.Login("ann@example.org", kPassword, "192.0.2.1");
  ASSERT_TRUE(old_session.ok());
  auto token = acc.RequestPasswordReset("ann@example.org");
  ASSERT_TRUE(token.ok() && token->has_value());
  EXPECT_EQ(acc.ResetPassword(**token, "short").code(), Code::kInvalidArgument);
  ASSERT_TRUE(acc.ResetPassword(**token, "a brand new password").ok()) << "a bad password leaves the link usable";
  EXPECT_TRUE(acc.ResetPassword(**token, "another new password").is_not_found()) << "reused link";
  EXPECT_TRUE(acc.Authenticate(old_session->session_token).status().is_not_found()) << "sessions end on reset";
  EXPECT_FALSE(acc.Login("ann@example.org", kPassword, "192.0.2.1").ok());
  EXPECT_TRUE(acc.Login("ann@example.org", "a brand new password", "192.0.2.1").ok());

  auto late = acc.RequestPasswordReset("ann@example.org");
  ASSERT_TRUE(late.ok() && late->has_value());
  now_ += std::chrono::minutes(61);
  EXPECT_EQ(acc.ResetPassword(**late, "yet another password").code(), Code::kInvalidArgument);
}

TEST_F(AccountsTest, OnlyTheNewestResetLinkWorks) {
  AddReader("ann@example.org");
  auto acc = accounts();
  auto first = acc.RequestPasswordReset("ann@example.org");
  auto second = acc.RequestPasswordReset("ann@example.org");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_TRUE(acc.ResetPassword(**first, "a brand new password").is_not_found());
  EXPECT_TRUE(acc.ResetPassword(**second, "a brand new password").ok());
}

TEST_F(AccountsTest, ResetForAnUnknownEmailRevealsNothing) {
  auto token = accounts().RequestPasswordReset("nobody@example.org");
  ASSERT_TRUE(token.ok());
  EXPECT_FALSE(token->has_value());
}

TEST_F(AccountsTest, ConfirmationLinksExpire) {
  auto acc = accounts();
  auto reg = acc.Register(Form("ann@example.org"));
  ASSERT_TRUE(reg.ok());
  now_ += std::chrono::hours(49);
  EXPECT_EQ(acc.ConfirmEmail(reg->confirm_token).status().code(), Code::kInvalidArgument);
  auto fresh = acc.NewConfirmToken("ann@example.org");
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  EXPECT_TRUE(acc.ConfirmEmail(*fresh).ok());
  EXPECT_EQ(acc.NewConfirmToken("ann@example.org").status().code(), Code::kInvalidArgument);
}

TEST_F(AccountsTest, ChangePasswordNeedsTheCurrentOneAndEndsSessions) {
  User ann = AddReader("ann@example.org");
  auto acc = accounts();
  auto session = acc.Login("ann@example.org", kPassword, "192.0.2.1");
  ASSERT_TRUE(session.ok());
  EXPECT_EQ(acc.ChangePassword(ann.id, "wrong current", "a brand new password").code(), Code::kInvalidArgument);
  ASSERT_TRUE(acc.ChangePassword(ann.id, kPassword, "a brand new password").ok());
  EXPECT_TRUE(acc.Authenticate(session->session_token).status().is_not_found());
  EXPECT_TRUE(acc.Login("ann@example.org", "a brand new password", "192.0.2.1").ok());
}

TEST_F(AccountsTest, ChangeDisplayNameValidatesIt) {
  User ann = AddReader("ann@example.org");
  auto acc = accounts();
  ASSERT_TRUE(acc.ChangeDisplayName(ann.id, "  Анна Л.  ").ok());
  EXPECT_EQ(store_->GetUser(ann.id)->display_name, "Анна Л.");
  EXPECT_EQ(acc.ChangeDisplayName(ann.id, "   ").code(), Code::kInvalidArgument);
}

TEST_F(AccountsTest, DeletedAccountKeepsItsCommentsAsFromADeletedUser) {
  const int64_t article = AddArticle("https://tsamto.example/a", "Заголовок");
  User ann = AddReader("ann@example.org", "Анна");
  auto acc = accounts();
  auto session = acc.Login("ann@example.org", kPassword, "192.0.2.1");
  ASSERT_TRUE(session.ok());
  auto posted = comments().Post(ann, {.article_id = article, .body = "Первый!", .address = "192.0.2.1"});
  ASSERT_TRUE(posted.ok()) << posted.status().ToString();

  EXPECT_EQ(acc.DeleteAccount(ann.id, "wrong password").code(), Code::kInvalidArgument);
  ASSERT_TRUE(acc.DeleteAccount(ann.id, kPassword).ok());
  EXPECT_TRUE(acc.Authenticate(session->session_token).status().is_not_found());
  EXPECT_FALSE(acc.Login("ann@example.org", kPassword, "192.0.2.1").ok());

  auto list = comments().ForArticle(article, nullptr);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_TRUE((*list)[0].author_deleted);
  EXPECT_EQ((*list)[0].author_name, "");
  EXPECT_NE((*list)[0].html.find("Первый!"), std::string::npos);
  EXPECT_TRUE(acc.Register(Form("ann@example.org")).ok()) << "the address may register again";
}

TEST_F(AccountsTest, ModeratorsBanReadersButNotTheirBetters) {
  User ann = AddReader("ann@example.org");
  User mod = AddReader("mod@example.org", "Mod", 48, Role::kModerator);
  User admin = AddReader("admin@example.org", "Admin", 48, Role::kAdmin);
  auto acc = accounts();
  EXPECT_EQ(acc.SetBanned(ann, mod.id, true).code(), Code::kPermissionDenied);
  EXPECT_EQ(acc.SetBanned(mod, admin.id, true).code(), Code::kPermissionDenied);
  ASSERT_TRUE(acc.SetBanned(mod, ann.id, true).ok());
  EXPECT_TRUE(store_->GetUser(ann.id)->banned);
  ASSERT_TRUE(acc.SetBanned(admin, mod.id, true).ok());
}

TEST_F(AccountsTest, SqlMetacharactersAreJustText) {
  auto acc = accounts();
  auto reg = acc.Register(Form("o'brien@example.org", "Robert'); DROP TABLE users;--"));
  ASSERT_TRUE(reg.ok()) << reg.status().ToString();
  EXPECT_EQ(store_->GetUser(reg->user.id)->display_name, "Robert'); DROP TABLE users;--");
  EXPECT_TRUE(store_->GetUserByEmail("o'brien@example.org").ok());
  EXPECT_FALSE(acc.Login("' OR '1'='1", "' OR '1'='1", "192.0.2.1").ok());
}

TEST_F(AccountsTest, UnsubscribeLinkTurnsReplyNotificationsOff) {
  User ann = AddReader("ann@example.org");
  User bob = AddReader("bob@example.org");
  auto acc = accounts();
  ASSERT_TRUE(acc.SetNotifyReplies(ann.id, true).ok());
  const std::string token = acc.UnsubscribeToken(ann.id);
  EXPECT_EQ(token, acc.UnsubscribeToken(ann.id)) << "stable: it is in every mail";
  EXPECT_EQ(acc.Unsubscribe(ann.id, acc.UnsubscribeToken(bob.id)).code(), Code::kInvalidArgument);
  EXPECT_TRUE(store_->GetUser(ann.id)->notify_replies);
  ASSERT_TRUE(acc.Unsubscribe(ann.id, token).ok());
  EXPECT_FALSE(store_->GetUser(ann.id)->notify_replies);
}

TEST_F(AccountsTest, PruneExpiredForgetsOldSessionsAndTokens) {
  config_.session_days = 1;
  AddReader("ann@example.org");
  auto acc = accounts();
  auto login = acc.Login("ann@example.org", kPassword, "192.0.2.1");
  auto reset = acc.RequestPasswordReset("ann@example.org");
  ASSERT_TRUE(login.ok() && reset.ok());
  ASSERT_TRUE(acc.PruneExpired().ok());
  EXPECT_TRUE(acc.Authenticate(login->session_token).ok()) << "live sessions stay";
  now_ += std::chrono::hours(25);
  ASSERT_TRUE(acc.PruneExpired().ok());
  now_ -= std::chrono::hours(25);
  EXPECT_TRUE(acc.Authenticate(login->session_token).status().is_not_found());
  EXPECT_TRUE(acc.ResetPassword(**reset, "a brand new password").is_not_found());
}

}  // namespace
}  // namespace newsdesk
