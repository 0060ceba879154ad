// Errors carried as values. Every failure the operator can see is an Error
// with a message and, where there is one, the file:line:col it is about, so
// the CLI can print one clear line and exit 1 (see cli/main.cc).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace ksm {

struct Location {
  std::string file;
  int line = 0;    // 1-based, 0 = unknown
  int column = 0;  // 1-based, 0 = unknown
  std::string str() const;  // "file:line:col", "file:line", "file" or ""
};

struct Error {
  std::string message;
  Location where;

  Error() = default;
  explicit Error(std::string msg, Location loc = {})
      : message(std::move(msg)), where(std::move(loc)) {}
  // "file:line:col: message"
  std::string str() const;
  // Prefix context: "reading X: <message>".
  Error context(const std::string& what) const;
};

// A value or an Error. Minimal std::expected stand-in (C++20 has none).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(runtime/explicit)
  Result(Error err) : v_(std::move(err)) {}  // NOLINT(runtime/explicit)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// For operations with nothing to return.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error err) : err_(std::move(err)) {}  // NOLINT(runtime/explicit)
  bool ok() const { return !err_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return *err_; }

 private:
  std::optional<Error> err_;
};

}  // namespace ksm
