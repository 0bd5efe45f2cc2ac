// File: common/status.h
//
// `Status` and `Result<T>`: errors as values at module boundaries.
//
//   Result<Article> a = store.article(id);
//   if (!a.ok()) return a.status();          // propagate
//   if (a.status().code() == Code::kNotFound) ...
//
// A small fixed set of codes, modelled on leveldb::Status and absl::StatusOr.
// Exceptions from third-party libraries are caught at the module that calls
// them and turned into a Status; they never cross a module's public header.
// A refusal a reader will see also carries a `Reason` (common/reason.h), a
// stable code the catalogs translate; the message stays English, for logs.
// Thread-safety: values; safe to copy between threads.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "common/reason.h"

namespace newsdesk {

enum class Code {
  kOk,
  kInvalidArgument,  // the caller's input is wrong; message says how
  kNotFound,
  kAlreadyExists,
  kIOError,          // filesystem, database or network failure
  kUnavailable,      // a dependency is down; retrying later may work
  kInternal,         // a bug
  kPermissionDenied, // the caller's role or ownership does not allow it (HTTP 403)
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {Code::kAlreadyExists, std::move(m)}; }
  static Status IOError(std::string m) { return {Code::kIOError, std::move(m)}; }
  static Status Unavailable(std::string m) { return {Code::kUnavailable, std::move(m)}; }
  static Status Internal(std::string m) { return {Code::kInternal, std::move(m)}; }
  static Status PermissionDenied(std::string m) { return {Code::kPermissionDenied, std::move(m)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  bool is_not_found() const { return code_ == Code::kNotFound; }
  const std::string& message() const { return message_; }
  std::string ToString() const;

  // Status::reason() is the reader-facing reason attached by With(), or an
  // empty Reason when the status has none (then readers see `message()`).
  const Reason& reason() const { return reason_; }

  // Status::With returns this status carrying reason `code` with the values
  // `args` for its placeholders. REQUIRES: !ok().
  Status With(ReasonCode code, Reason::Args args = {}) && { return std::move(*this).With(Reason{code, std::move(args)}); }
  Status With(Reason reason) && {
    reason_ = std::move(reason);
    return std::move(*this);
  }
  Status With(Reason reason) const& {
    Status copy = *this;
    return std::move(copy).With(std::move(reason));
  }

  // Status::WithContext returns a copy whose message is prefixed by
  // `context: `; the reason is kept.
  Status WithContext(const std::string& context) const {
    if (ok()) return *this;
    Status s(code_, context + ": " + message_);
    s.reason_ = reason_;
    return s;
  }

 private:
  Status(Code c, std::string m) : code_(c), message_(std::move(m)) {}
  Code code_ = Code::kOk;
  std::string message_;
  Reason reason_;
};

// Result<T> holds either a T or a non-OK Status.
// REQUIRES: value() only when ok().
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status s) : v_(std::move(s)) {}     // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

const char* CodeName(Code c);

}  // namespace newsdesk

// RETURN_IF_ERROR(expr): returns the Status from the enclosing function when
// `expr` (a Status) is not OK.
#define ND_RETURN_IF_ERROR(expr)              \
  do {                                        \
    ::newsdesk::Status nd_status_ = (expr);   \
    if (!nd_status_.ok()) return nd_status_;  \
  } while (0)
