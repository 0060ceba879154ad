// A recursive-descent reader for the subset of Python that ast.literal_eval
// accepts (see literal.h). It follows Python 3.11's tokenizer for numbers and
// strings; everything else (names, calls, operators) is "not a literal".
#include "inventory/literal.h"

#include <cstdlib>
#include <string>

#include "core/text.h"

namespace ksm::inventory {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class LiteralReader {
 public:
  explicit LiteralReader(std::string_view t) : t_(t) {}

  std::optional<Value> run() {
    // literal_eval strips leading spaces and tabs before parsing.
    while (p_ < t_.size() && (t_[p_] == ' ' || t_[p_] == '\t')) ++p_;
    auto v = expr(0);
    if (!v) return std::nullopt;
    skip(0);
    if (p_ != t_.size()) return std::nullopt;
    return v;
  }

 private:
  // Whitespace and comments; newlines only inside brackets (implicit joining)
  // or at the very end.
  void skip(int depth) {
    while (p_ < t_.size()) {
      char c = t_[p_];
      if (c == ' ' || c == '\t' || c == '\f') {
        ++p_;
      } else if (c == '#') {
        while (p_ < t_.size() && t_[p_] != '\n' && t_[p_] != '\r') ++p_;
      } else if (c == '\\' && p_ + 1 < t_.size() && (t_[p_ + 1] == '\n' || t_[p_ + 1] == '\r')) {
        p_ += 2;
        if (t_[p_ - 1] == '\r' && p_ < t_.size() && t_[p_] == '\n') ++p_;
      } else if (c == '\n' || c == '\r') {
        if (depth > 0) {
          ++p_;
        } else {
          size_t q = p_;
          while (q < t_.size() && (t_[q] == '\n' || t_[q] == '\r' || t_[q] == ' ' || t_[q] == '\t'))
            ++q;
          if (q == t_.size()) p_ = q;
          return;
        }
      } else {
        return;
      }
    }
  }

  bool peek(char c) const { return p_ < t_.size() && t_[p_] == c; }

  std::optional<Value> expr(int depth) {
    if (depth > 100) return std::nullopt;
    skip(depth);
    if (p_ >= t_.size()) return std::nullopt;
    char c = t_[p_];
    if (c == '+' || c == '-') {
      ++p_;
      skip(depth);
      if (p_ >= t_.size() ||
          !(is_digit(t_[p_]) || (t_[p_] == '.' && p_ + 1 < t_.size() && is_digit(t_[p_ + 1]))))
        return std::nullopt;
      auto v = number();
      if (!v) return std::nullopt;
      if (c == '-') {
        if (v->is_int()) return Value(-v->as_int());
        return Value(-v->as_float());
      }
      return v;
    }
    if (is_digit(c) || (c == '.' && p_ + 1 < t_.size() && is_digit(t_[p_ + 1]))) return number();
    if (c == '[') return sequence(depth, ']');
    if (c == '(') return sequence(depth, ')');
    if (c == '{') return braces(depth);
    if (c == '\'' || c == '"') return strings(depth);
    if (is_ident(c)) {
      size_t s = p_;
      while (p_ < t_.size() && is_ident(t_[p_])) ++p_;
      std::string_view word = t_.substr(s, p_ - s);
      if (p_ < t_.size() && (t_[p_] == '\'' || t_[p_] == '"') && word.size() <= 2) {
        p_ = s;
        return strings(depth);
      }
      if (word == "True") return Value(true);
      if (word == "False") return Value(false);
      if (word == "None") return Value();
      return std::nullopt;
    }
    return std::nullopt;
  }

  // digitpart: digit (["_"] digit)*
  bool digitpart(std::string& out, bool (*ok)(char)) {
    if (p_ >= t_.size() || !ok(t_[p_])) return false;
    out += t_[p_++];
    while (p_ < t_.size()) {
      if (t_[p_] == '_' && p_ + 1 < t_.size() && ok(t_[p_ + 1])) {
        out += t_[p_ + 1];
        p_ += 2;
      } else if (ok(t_[p_])) {
        out += t_[p_++];
      } else {
        break;
      }
    }
    return true;
  }

  std::optional<Value> int_from(const std::string& digits, int base) {
    unsigned __int128 v = 0;
    for (char d : digits) {
      v = v * base + static_cast<unsigned>(hex_value(d));
      if (v > static_cast<unsigned __int128>(INT64_MAX)) return std::nullopt;
    }
    return Value(static_cast<int64_t>(v));
  }

  std::optional<Value> number() {
    auto end_ok = [&]() { return p_ >= t_.size() || !is_ident(t_[p_]); };
    if (t_[p_] == '0' && p_ + 1 < t_.size() &&
        std::string_view("xXoObB").find(t_[p_ + 1]) != std::string_view::npos) {
      char k = static_cast<char>(t_[p_ + 1] | 0x20);
      p_ += 2;
      if (peek('_')) ++p_;
      std::string digits;
      bool ok = k == 'x'   ? digitpart(digits, [](char c) { return hex_value(c) >= 0; })
                : k == 'o' ? digitpart(digits, [](char c) { return c >= '0' && c <= '7'; })
                           : digitpart(digits, [](char c) { return c == '0' || c == '1'; });
      if (!ok || !end_ok()) return std::nullopt;
      return int_from(digits, k == 'x' ? 16 : k == 'o' ? 8 : 2);
    }
    std::string intpart, frac, exp;
    bool has_dot = false, has_exp = false;
    if (is_digit(t_[p_]) && !digitpart(intpart, is_digit)) return std::nullopt;
    if (peek('.')) {
      has_dot = true;
      ++p_;
      if (p_ < t_.size() && is_digit(t_[p_])) digitpart(frac, is_digit);
    }
    if (p_ < t_.size() && (t_[p_] == 'e' || t_[p_] == 'E')) {
      size_t save = p_;
      ++p_;
      std::string sign;
      if (peek('+') || peek('-')) sign = t_[p_++];
      if (!digitpart(exp, is_digit)) {
        p_ = save;
        return std::nullopt;
      }
      exp = sign + exp;
      has_exp = true;
    }
    if (p_ < t_.size() && (t_[p_] == 'j' || t_[p_] == 'J')) return std::nullopt;  // complex
    if (!end_ok()) return std::nullopt;
    if (!has_dot && !has_exp) {
      // Decimal integers may not have leading zeros, except 0 itself (0, 00, 0_0).
      if (intpart.size() > 1 && intpart[0] == '0') {
        if (intpart.find_first_not_of('0') != std::string::npos) return std::nullopt;
        return Value(static_cast<int64_t>(0));
      }
      return int_from(intpart, 10);
    }
    std::string s = (intpart.empty() ? "0" : intpart) + "." + (frac.empty() ? "0" : frac);
    if (has_exp) s += "e" + exp;
    return Value(std::strtod(s.c_str(), nullptr));
  }

  std::optional<Value> sequence(int depth, char close) {
    ++p_;  // [ or (
    List items;
    bool comma = false;
    while (true) {
      skip(depth + 1);
      if (peek(close)) {
        ++p_;
        break;
      }
      auto v = expr(depth + 1);
      if (!v) return std::nullopt;
      items.push_back(std::move(*v));
      skip(depth + 1);
      if (peek(',')) {
        ++p_;
        comma = true;
        continue;
      }
      if (peek(close)) {
        ++p_;
        break;
      }
      return std::nullopt;
    }
    if (close == ')' && items.size() == 1 && !comma) return items[0];  // (x) is x
    return Value(std::move(items));
  }

  // JSON's key rules, as json.dumps applies them to a dict's keys.
  static std::optional<std::string> key_text(const Value& k) {
    if (k.is_string()) return k.as_string();
    if (k.is_bool()) return std::string(k.as_bool() ? "true" : "false");
    if (k.is_null()) return std::string("null");
    if (k.is_number()) return to_python_str(k);
    return std::nullopt;  // unhashable or not a JSON key
  }

  std::optional<Value> braces(int depth) {
    ++p_;
    Map m;
    skip(depth + 1);
    if (peek('}')) {
      ++p_;
      return Value(std::move(m));
    }
    while (true) {
      auto k = expr(depth + 1);
      if (!k) return std::nullopt;
      skip(depth + 1);
      if (!peek(':')) return std::nullopt;  // a set: no JSON form
      ++p_;
      auto v = expr(depth + 1);
      if (!v) return std::nullopt;
      auto kt = key_text(*k);
      if (!kt) return std::nullopt;
      m.set(std::move(*kt), std::move(*v));
      skip(depth + 1);
      if (peek(',')) {
        ++p_;
        skip(depth + 1);
        if (peek('}')) {
          ++p_;
          break;
        }
        continue;
      }
      if (peek('}')) {
        ++p_;
        break;
      }
      return std::nullopt;
    }
    return Value(std::move(m));
  }

  // One or more adjacent string literals, concatenated.
  std::optional<Value> strings(int depth) {
    std::string out;
    int kind = -1;  // 0 str, 1 bytes
    while (true) {
      size_t s = p_;
      while (p_ < t_.size() && is_ident(t_[p_])) ++p_;
      std::string prefix(t_.substr(s, p_ - s));
      for (char& c : prefix) c = static_cast<char>(c | 0x20);
      bool raw = false, bytes = false;
      if (prefix.empty() || prefix == "u") {
      } else if (prefix == "r") {
        raw = true;
      } else if (prefix == "b") {
        bytes = true;
      } else if (prefix == "br" || prefix == "rb") {
        raw = bytes = true;
      } else {
        return std::nullopt;  // f-strings are not literals
      }
      if (kind >= 0 && kind != (bytes ? 1 : 0)) return std::nullopt;
      kind = bytes ? 1 : 0;
      if (!body(out, raw, bytes)) return std::nullopt;
      skip(depth);
      if (p_ >= t_.size()) break;
      size_t q = p_;
      while (q < t_.size() && is_ident(t_[q]) && q - p_ < 2) ++q;
      if (q < t_.size() && (t_[q] == '\'' || t_[q] == '"')) continue;
      break;
    }
    return Value(std::move(out));
  }

  bool body(std::string& out, bool raw, bool bytes) {
    if (p_ >= t_.size()) return false;
    char q = t_[p_];
    if (q != '\'' && q != '"') return false;
    bool triple = t_.substr(p_, 3) == std::string(3, q);
    p_ += triple ? 3 : 1;
    while (true) {
      if (p_ >= t_.size()) return false;
      char c = t_[p_];
      if (c == q && (!triple || t_.substr(p_, 3) == std::string(3, q))) {
        p_ += triple ? 3 : 1;
        return true;
      }
      if ((c == '\n' || c == '\r') && !triple) return false;
      if (bytes && static_cast<unsigned char>(c) >= 0x80) return false;
      if (c != '\\') {
        out += c;
        ++p_;
        continue;
      }
      if (p_ + 1 >= t_.size()) return false;
      char e = t_[p_ + 1];
      if (raw) {  // the backslash stays; it only keeps the quote from closing
        out += c;
        out += e;
        p_ += 2;
        continue;
      }
      p_ += 2;
      switch (e) {
        case '\n': break;
        case '\\': out += '\\'; break;
        case '\'': out += '\''; break;
        case '"': out += '"'; break;
        case 'a': out += '\a'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'v': out += '\v'; break;
        case 'x': {
          if (p_ + 2 > t_.size() || hex_value(t_[p_]) < 0 || hex_value(t_[p_ + 1]) < 0)
            return false;
          uint32_t v = static_cast<uint32_t>(hex_value(t_[p_]) * 16 + hex_value(t_[p_ + 1]));
          p_ += 2;
          if (bytes) out += static_cast<char>(v);
          else append_utf8(out, v);
          break;
        }
        case 'u':
        case 'U': {
          if (bytes) {
            out += '\\';
            out += e;
            break;
          }
          size_t n = e == 'u' ? 4 : 8;
          if (p_ + n > t_.size()) return false;
          uint32_t v = 0;
          for (size_t i = 0; i < n; ++i) {
            int h = hex_value(t_[p_ + i]);
            if (h < 0) return false;
            v = v * 16 + static_cast<uint32_t>(h);
          }
          if (v > 0x10FFFF) return false;
          p_ += n;
          append_utf8(out, v);
          break;
        }
        case 'N':
          if (!bytes) return false;  // \N{NAME}: no table of Unicode names here
          out += "\\N";
          break;
        default:
          if (e >= '0' && e <= '7') {
            uint32_t v = static_cast<uint32_t>(e - '0');
            for (int i = 0; i < 2 && p_ < t_.size() && t_[p_] >= '0' && t_[p_] <= '7'; ++i)
              v = v * 8 + static_cast<uint32_t>(t_[p_++] - '0');
            if (bytes) out += static_cast<char>(v & 0xFF);
            else append_utf8(out, v);
          } else if (e == '\r') {
            if (p_ < t_.size() && t_[p_] == '\n') ++p_;
          } else {
            out += '\\';
            out += e;
          }
      }
    }
  }

  std::string_view t_;
  size_t p_ = 0;
};

}  // namespace

std::optional<Value> python_literal(std::string_view text) {
  if (text.find('\0') != std::string_view::npos) return std::nullopt;
  return LiteralReader(text).run();
}

Value ini_value(std::string_view text) {
  if (auto v = python_literal(text)) return std::move(*v);
  return Value(text);
}

}  // namespace ksm::inventory
