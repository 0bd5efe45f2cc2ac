// libFuzzer target for the front door (issue 18): raw bytes are written to a
// real HttpServer on loopback, so they go through the server's HTTP/1.1
// parsing, the router and the site's handlers exactly as a client's would.
// The site is the demo corpus in a SQLite store in a temporary directory,
// indexed for search, with entities, comments and a logged-in editor.
//
// Fails (a crash libFuzzer reports, with the input saved) on a sanitizer
// report, a crash, an exception out of Site::Handle, or any 5xx but 503
// (the one a site may give when a part is down).
//
// The inputs may hold the placeholders kSessionPlaceholder and
// kCsrfPlaceholder, replaced by the editor's session cookie value and CSRF
// token before sending, so that the desk's forms and the editors' API are
// reached past their checks (fuzz/http.dict has them; fuzz/corpus/http/ uses
// them). They are as long as the tokens (43 characters of base64url), so
// the Content-Length of a body that holds one stays right.
//
// HTTP_FUZZ_ECHO=1 prints what the server answered (to check that a seed
// reaches what it is meant to: ./http_fuzz fuzz/corpus/http/desk).
//
//   fuzz/run.sh http SECONDS BINARY      (make test: 20 s; see docs/testing.md)
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "common/config.h"
#include "import/importer.h"
#include "mentions/gazetteer.h"
#include "readers/readers.h"
#include "search/follower.h"
#include "search/search.h"
#include "store/store.h"
#include "web/server.h"
#include "web/site.h"

namespace {

using namespace newsdesk;
namespace fs = std::filesystem;

constexpr const char* kEditorEmail = "fuzz-editor@example.org";
constexpr const char* kEditorPassword = "fuzz-editor-password-1";
// Log-ins the harness makes come from an address no input can use, so the
// inputs' failed log-ins (from 127.0.0.1) never throttle them.
constexpr const char* kHarnessAddress = "192.0.2.77";
constexpr std::string_view kSessionPlaceholder = "SESSIONTOKEN...............................";
constexpr std::string_view kCsrfPlaceholder = "CSRFTOKEN..................................";

struct Harness {
  fs::path dir;
  Config config;
  std::unique_ptr<Store> store;
  std::unique_ptr<Accounts> accounts;
  std::unique_ptr<SearchIndex> index;
  std::unique_ptr<Site> site;
  std::unique_ptr<HttpServer> server;
  std::string session_token;
  std::string csrf_token;
};

Harness* harness = nullptr;

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "http_fuzz: %s\n", what.c_str());
  std::fflush(stderr);
  __builtin_trap();
}

void Check(const Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "http_fuzz: setting up, %s: %s\n", what, s.ToString().c_str());
    std::exit(1);
  }
}

// LogIn gives the harness a fresh editor session (an input may have logged
// the last one out).
void LogIn() {
  auto login = harness->accounts->Login(kEditorEmail, kEditorPassword, kHarnessAddress);
  Check(login.status(), "logging the editor in");
  harness->session_token = login->session_token;
  harness->csrf_token = login->csrf_token;
  if (harness->session_token.size() != kSessionPlaceholder.size() ||
      harness->csrf_token.size() != kCsrfPlaceholder.size())
    std::fprintf(stderr, "http_fuzz: the tokens are no longer 43 characters; the placeholders need their length\n");
}

void TearDown() {
  if (!harness) return;
  if (harness->server) {
    harness->server->Shutdown();
    harness->server->Wait();
  }
  harness->server.reset();
  harness->site.reset();  // before the index it searches
  harness->index.reset();
  harness->accounts.reset();
  harness->store.reset();
  std::error_code ec;
  fs::remove_all(harness->dir, ec);
  delete harness;
  harness = nullptr;
}

// Handle is the site's handler with the fuzzer's checks around it.
Response Handle(const Request& request) {
  Response out;
  try {
    out = harness->site->Handle(request);
  } catch (const std::exception& e) {
    Fail("Site::Handle threw for " + request.method + " " + request.target.substr(0, 200) + ": " + e.what());
  } catch (...) {
    Fail("Site::Handle threw for " + request.method + " " + request.target.substr(0, 200));
  }
  if (out.status >= 500 && out.status != 503)
    Fail(std::to_string(out.status) + " for " + request.method + " " + request.target.substr(0, 200) + ": " +
         out.body.substr(0, 300));
  return out;
}

std::string ReplaceAll(std::string s, std::string_view from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

// Exchange writes `wire` to the server and reads until it closes the
// connection, both at once (poll), so that a long pipeline whose answers fill
// the socket buffers cannot stall the two sides.
void Exchange(const std::string& wire) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) Fail(std::string("socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(harness->server->port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  // Non-blocking from the start: libFuzzer's timer signal can interrupt a
  // blocking connect (EINTR), which then completes in the background.
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (errno != EINPROGRESS && errno != EINTR) Fail(std::string("connect: ") + std::strerror(errno));
    pollfd p{fd, POLLOUT, 0};
    while (::poll(&p, 1, 30'000) < 0 && errno == EINTR) {
    }
    int error = 0;
    socklen_t length = sizeof error;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0) Fail(std::string("connect: ") + std::strerror(error));
  }
  size_t sent = 0;
  bool writing = true;
  if (wire.empty()) {
    ::shutdown(fd, SHUT_WR);
    writing = false;
  }
  static const bool echo = std::getenv("HTTP_FUZZ_ECHO") != nullptr;
  std::string answer;
  char buffer[64 * 1024];
  for (;;) {
    pollfd p{fd, static_cast<short>(POLLIN | (writing ? POLLOUT : 0)), 0};
    // The server's read timeout (5 s) ends any exchange before this does.
    int ready = ::poll(&p, 1, 30'000);
    if (ready == 0) Fail("the server neither answered nor closed the connection in 30 s");
    if (ready < 0) {
      if (errno == EINTR) continue;
      Fail(std::string("poll: ") + std::strerror(errno));
    }
    if (writing && (p.revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t n = ::send(fd, wire.data() + sent, wire.size() - sent, MSG_NOSIGNAL);
      if (n > 0) sent += static_cast<size_t>(n);
      // The server may close before reading everything (a 413, a 400): fine.
      if ((n < 0 && errno != EAGAIN && errno != EINTR) || sent == wire.size()) {
        ::shutdown(fd, SHUT_WR);
        writing = false;
      }
    }
    if (p.revents & (POLLIN | POLLERR | POLLHUP)) {
      ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) break;
      if (echo && n > 0) answer.append(buffer, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  if (echo) std::fprintf(stderr, "http_fuzz: answer:\n%s\n", answer.substr(0, 2000).c_str());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // Quiet while fuzzing; with HTTP_FUZZ_ECHO the site's errors show, and
  // HTTP_FUZZ_LOG=FILE keeps them in FILE: a 503 is allowed, but the store
  // error behind a desk's 503 may be an input that should have been a 400.
  spdlog::set_level(std::getenv("HTTP_FUZZ_ECHO") ? spdlog::level::warn : spdlog::level::off);
  if (const char* log = std::getenv("HTTP_FUZZ_LOG")) {
    spdlog::set_default_logger(spdlog::basic_logger_mt("http_fuzz", log));
    spdlog::set_level(spdlog::level::warn);
    spdlog::flush_every(std::chrono::seconds(5));
  }
  harness = new Harness;
  std::string templ = (fs::temp_directory_path() / "http_fuzz.XXXXXX").string();
  if (!::mkdtemp(templ.data())) {
    std::perror("http_fuzz: mkdtemp");
    std::exit(1);
  }
  harness->dir = templ;
  std::atexit(TearDown);

  Config& config = harness->config;
  config.data_dir = (harness->dir / "data").string();
  config.base_url = "http://127.0.0.1";
  config.ingest_enabled = false;

  auto store = OpenStore(config);
  Check(store.status(), "opening the store");
  harness->store = std::move(*store);
  Store& s = *harness->store;
  Check(ImportPath(s, ND_SOURCE_DIR "/demo").status(), "importing the demo");
  auto gazetteer = LoadSiteGazetteer(s);
  Check(gazetteer.status(), "loading the gazetteer");
  auto secret = LoadSharedSiteSecret(s, config.data_dir);
  Check(secret.status(), "loading the site secret");
  harness->accounts = std::make_unique<Accounts>(s, config, *secret);
  Check(harness->accounts->AddUser(kEditorEmail, "Fuzz editor", kEditorPassword, Role::kAdmin).status(),
        "adding the editor");
  LogIn();

  auto index = SearchIndex::Open((harness->dir / "search").string());
  Check(index.status(), "opening the search index");
  harness->index = std::move(*index);
  IndexFollower follower(s, *harness->index);
  Check(follower.CatchUp().status(), "indexing the demo");

  auto site = Site::Create(s, config, *gazetteer);
  Check(site.status(), "creating the site");
  harness->site = std::move(*site);
  harness->site->AttachSearch(harness->index.get());

  ServerOptions options;
  options.port = 0;
  options.threads = 1;
  options.read_timeout = std::chrono::seconds(5);
  auto server = HttpServer::Start(options, Handle);
  Check(server.status(), "starting the server");
  harness->server = std::move(*server);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string wire(reinterpret_cast<const char*>(data), size);
  if (!harness->accounts->Authenticate(harness->session_token).ok()) LogIn();
  wire = ReplaceAll(std::move(wire), kSessionPlaceholder, harness->session_token);
  wire = ReplaceAll(std::move(wire), kCsrfPlaceholder, harness->csrf_token);
  Exchange(wire);
  return 0;
}
