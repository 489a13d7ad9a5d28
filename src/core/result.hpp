#pragma once
// Expected failures are values: a Result holds either a T or an Error, whose message names the
// cause for a person and whose code says what kind of failure it is, for the caller that acts on
// it (the HTTP status an API answers with, the exit status of a command, whether to try again
// later). Exceptions are for the unexpected, and are caught at process and request boundaries.
// Value types; thread-compatible.
#include <optional>
#include <string>
#include <utility>

namespace aitrapp {

enum class ErrorCode {
  Invalid,      // the input is wrong (a request, a setting, a data row): fix it and retry
  NotFound,     // what it names does not exist
  Refused,      // valid, but the current state does not allow it (a resume under a loss cap)
  Conflict,     // it contradicts what is there (a schema another build wrote)
  Unavailable,  // a server or venue cannot be reached: the same call may succeed later
};

struct Error {
  std::string message;
  ErrorCode code = ErrorCode::Invalid;
};

template <class T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : error_(std::move(error)) {}  // NOLINT
  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }
  const T& value() const& { return *value_; }
  T& value() & { return *value_; }
  const T& operator*() const { return *value_; }
  const T* operator->() const { return &*value_; }
  const std::string& error() const { return error_.message; }
  ErrorCode code() const { return error_.code; }
  const Error& failure() const { return error_; }

 private:
  std::optional<T> value_;
  Error error_;
};

// Success carries nothing: `Result<void>{}` is ok.
template <>
class Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT: implicit by design
  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const std::string& error() const { return error_->message; }
  ErrorCode code() const { return error_->code; }
  const Error& failure() const { return *error_; }

 private:
  std::optional<Error> error_;
};

}  // namespace aitrapp
