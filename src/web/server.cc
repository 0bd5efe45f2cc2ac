#include "web/server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <list>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace newsdesk {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

struct ServerState {
  ServerOptions options;
  Handler handler;
  std::atomic<bool> stopping{false};
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, ServerState& state) : stream_(std::move(socket)), state_(state) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string();
  }

  void Start() {
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::Read, shared_from_this()));
  }

  // OnShutdown runs on the session's strand: an idle connection closes now,
  // a busy one after its response is written.
  void RequestShutdown() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_) self->Close();
    });
  }

 private:
  void Read() {
    if (state_.stopping) return Close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(state_.options.max_header_bytes));
    parser_->body_limit(state_.options.max_body_bytes);
    stream_.expires_after(state_.options.read_timeout);
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, std::size_t) {
    if (ec) {
      if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == net::error::operation_aborted ||
          ec == net::error::connection_reset || ec == net::error::eof || ec == net::error::bad_descriptor)
        return Close();
      if (ec == http::error::header_limit)
        return SendError(431, "Request header fields too large", "header larger than limit");
      if (ec == http::error::body_limit) return SendError(413, "Payload too large", "body larger than limit");
      if (ec.category() == beast::error_code(http::error::bad_method).category())
        return SendError(400, "Bad request", ec.message());
      return Close();
    }
    auto& in = parser_->get();
    // RFC 9112 section 3.2: an HTTP/1.1 request without exactly one Host
    // is answered 400 (issue 18).
    if (in.version() == 11 && in.count(http::field::host) != 1)
      return SendError(400, "Bad request", "an HTTP/1.1 request needs exactly one Host header");
    busy_ = true;
    Request req;
    req.method = std::string(in.method_string());
    req.target = std::string(in.target());
    req.headers.reserve(8);
    for (const auto& field : in) {
      std::string name(field.name_string());
      for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      req.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    req.body = std::move(in.body());
    req.remote_address = remote_;
    if (Status parsed = ParseTarget(req); !parsed.ok()) req.target_error = parsed.message();

    Response out;
    try {
      out = state_.handler(req);
    } catch (const std::exception& e) {
      // The catch-all around every handler: log the path, answer 500.
      spdlog::error("handler failed for {} {}: {}", req.method, req.path.empty() ? req.target.substr(0, 200) : req.path,
                    e.what());
      out = Response::Text(500, "Internal server error");
    } catch (...) {
      spdlog::error("handler failed for {} {}: unknown exception", req.method, req.target.substr(0, 200));
      out = Response::Text(500, "Internal server error");
    }
    const bool keep_alive = in.keep_alive() && !state_.stopping;
    Write(std::move(out), in.version(), keep_alive, req.method == "HEAD");
  }

  void SendError(int status, const char* text, const std::string& why) {
    spdlog::info("{} from {}: {}", status, remote_, why);
    busy_ = true;
    Write(Response::Text(status, std::string(text) + "\n"), 11, false, false);
  }

  void Write(Response out, unsigned version, bool keep_alive, bool head) {
    res_.emplace(static_cast<http::status>(out.status), version);
    auto& res = *res_;
    res.set(http::field::server, "newsdesk");
    if (!out.content_type.empty()) res.set(http::field::content_type, out.content_type);
    for (auto& [k, v] : out.headers) res.insert(k, v);  // insert: Set-Cookie may repeat
    res.keep_alive(keep_alive);
    const size_t length = out.body.size();
    if (!head) res.body() = std::move(out.body);
    // A 304's Content-Length would be the full body's (RFC 9110 §8.6): none.
    if (out.status != 304) res.content_length(length);
    stream_.expires_after(state_.options.read_timeout);
    http::async_write(stream_, res,
                      beast::bind_front_handler(&Session::OnWrite, shared_from_this(), !keep_alive));
  }

  void OnWrite(bool close, beast::error_code ec, std::size_t) {
    busy_ = false;
    res_.reset();
    if (ec || close || state_.stopping) return Close();
    Read();
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  ServerState& state_;
  std::string remote_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> res_;
  bool busy_ = false;
};

class BeastServer final : public HttpServer {
 public:
  BeastServer(const ServerOptions& options, Handler handler)
      : ioc_(static_cast<int>(options.threads)), acceptor_(net::make_strand(ioc_)), signals_(ioc_) {
    state_.options = options;
    state_.handler = std::move(handler);
  }

  ~BeastServer() override {
    Shutdown();
    Wait();
  }

  Status Listen() {
    beast::error_code ec;
    auto address = net::ip::make_address(state_.options.host, ec);
    if (ec) return Status::InvalidArgument(fmt::format("'{}' is not an IP address", state_.options.host));
    tcp::endpoint endpoint(address, state_.options.port);
    auto fail = [&](const char* what) {
      return Status::IOError(
          fmt::format("cannot {} {}:{}: {}", what, state_.options.host, state_.options.port, ec.message()));
    };
    acceptor_.open(endpoint.protocol(), ec);
    if (ec) return fail("open");
    acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    acceptor_.bind(endpoint, ec);
    if (ec) return fail("listen on");
    acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) return fail("listen on");
    port_ = acceptor_.local_endpoint(ec).port();
    Accept();
    for (unsigned i = 0; i < state_.options.threads; ++i) threads_.emplace_back([this] { ioc_.run(); });
    return Status::Ok();
  }

  uint16_t port() const override { return port_; }
  unsigned threads() const override { return state_.options.threads; }

  void ShutdownOnSignals() override {
    signals_.add(SIGINT);
    signals_.add(SIGTERM);
    signals_.async_wait([this](beast::error_code ec, int sig) {
      if (ec) return;
      spdlog::info("signal {}: shutting down, finishing requests in flight", sig);
      Shutdown();
    });
  }

  void Shutdown() override {
    if (state_.stopping.exchange(true)) return;
    net::post(acceptor_.get_executor(), [this] {
      beast::error_code ec;
      acceptor_.close(ec);
    });
    net::post(ioc_, [this] {
      beast::error_code ec;
      signals_.cancel(ec);
    });
    std::lock_guard<std::mutex> lock(sessions_mu_);
    for (auto& weak : sessions_)
      if (auto s = weak.lock()) s->RequestShutdown();
    // The deadline: requests still running after the grace period are cut.
    watchdog_ = std::thread([this] {
      std::unique_lock<std::mutex> lock(done_mu_);
      if (!done_cv_.wait_for(lock, state_.options.shutdown_grace, [this] { return done_; })) {
        spdlog::warn("shutdown grace period over; closing remaining connections");
        ioc_.stop();
      }
    });
  }

  void Wait() override {
    std::lock_guard<std::mutex> wait_lock(wait_mu_);
    for (auto& t : threads_)
      if (t.joinable()) t.join();
    {
      std::lock_guard<std::mutex> lock(done_mu_);
      done_ = true;
    }
    done_cv_.notify_all();
    if (watchdog_.joinable()) watchdog_.join();
  }

 private:
  void Accept() {
    acceptor_.async_accept(net::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
        spdlog::warn("accept failed: {}", ec.message());
      } else if (!state_.stopping) {
        auto session = std::make_shared<Session>(std::move(socket), state_);
        Register(session);
        session->Start();
      }
      if (!state_.stopping) Accept();
    });
  }

  void Register(const std::shared_ptr<Session>& s) {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    // Drop entries of finished sessions now and then, so the list stays small.
    if (++registrations_ % 256 == 0) sessions_.remove_if([](const auto& w) { return w.expired(); });
    sessions_.push_back(s);
  }

  net::io_context ioc_;
  tcp::acceptor acceptor_;
  net::signal_set signals_;
  ServerState state_;
  uint16_t port_ = 0;
  std::vector<std::thread> threads_;
  std::mutex sessions_mu_;
  std::list<std::weak_ptr<Session>> sessions_;  // GUARDED_BY(sessions_mu_)
  uint64_t registrations_ = 0;                  // GUARDED_BY(sessions_mu_)
  std::mutex wait_mu_;
  std::mutex done_mu_;
  std::condition_variable done_cv_;
  bool done_ = false;  // GUARDED_BY(done_mu_)
  std::thread watchdog_;
};

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const ServerOptions& options, Handler handler) {
  ServerOptions o = options;
  if (o.threads == 0) o.threads = std::max(1u, std::thread::hardware_concurrency());
  auto server = std::make_unique<BeastServer>(o, std::move(handler));
  ND_RETURN_IF_ERROR(server->Listen());
  return std::unique_ptr<HttpServer>(std::move(server));
}

Status ParseListenAddress(const std::string& listen, std::string& host, uint16_t& port) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return Status::InvalidArgument(fmt::format("'{}' is not host:port", listen));
  host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string p = listen.substr(colon + 1);
  if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos || std::stoi(p) > 65535)
    return Status::InvalidArgument(fmt::format("'{}' is not a port number", p));
  port = static_cast<uint16_t>(std::stoi(p));
  if (host.empty()) host = "0.0.0.0";
  return Status::Ok();
}

}  // namespace newsdesk
