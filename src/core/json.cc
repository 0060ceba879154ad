// A small JSON writer and reader over Value (RFC 8259, plus NaN/Infinity
// as Python writes them).
#include "core/json.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "core/text.h"

namespace ksm {

void append_json_quoted(std::string& out, std::string_view s, JsonQuote q) {
  out += '"';
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80 && q.ensure_ascii) {
      // UTF-8 decoded, written as \uXXXX (a surrogate pair above U+FFFF)
      size_t n = (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
      uint32_t cp = n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : n == 4 ? (c & 0x07) : c;
      for (size_t k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (s[i + k] & 0x3F);
      i += n;
      if (cp >= 0x10000) {
        cp -= 0x10000;
        out += fmt::format("\\u{:04x}\\u{:04x}", 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
      } else {
        out += fmt::format("\\u{:04x}", cp);
      }
      continue;
    }
    ++i;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20 || (q.html && (c == '<' || c == '>' || c == '&' || c == '\'')))
          out += fmt::format("\\u{:04x}", c);
        else
          out += static_cast<char>(c);
    }
  }
  out += '"';
}

std::string json_quote(std::string_view s, JsonQuote q) {
  std::string out;
  out.reserve(s.size() + 2);
  append_json_quoted(out, s, q);
  return out;
}

namespace {

void write(const Value& v, const JsonStyle& st, int depth, std::string& out) {
  auto newline = [&](int d) {
    if (st.indent <= 0) return;
    out += '\n';
    out.append(static_cast<size_t>(d * st.indent), ' ');
  };
  const char* sep = st.indent > 0 ? ", " : ",";
  switch (v.kind()) {
    case Kind::Undefined:
    case Kind::Null: out += "null"; return;
    case Kind::Bool: out += v.as_bool() ? "true" : "false"; return;
    case Kind::Int: out += std::to_string(v.as_int()); return;
    case Kind::Float: {
      double d = v.as_float();
      if (std::isnan(d)) out += "NaN";
      else if (std::isinf(d)) out += d > 0 ? "Infinity" : "-Infinity";
      else {
        std::string s = fmt::format("{}", d);
        if (s.find_first_of(".e") == std::string::npos) s += ".0";
        out += s;
      }
      return;
    }
    case Kind::String: out += json_quote(v.as_string()); return;
    case Kind::Vault:
      out += "{\"__ansible_vault\": " + json_quote(v.vault_text()) + "}";
      return;
    case Kind::Unknown:
      out += "{\"__unknown\": " + json_quote(v.unknown_reason()) + "}";
      return;
    case Kind::List: {
      const List& l = v.as_list();
      if (l.empty()) { out += "[]"; return; }
      out += '[';
      for (size_t i = 0; i < l.size(); ++i) {
        if (i) out += st.indent > 0 ? "," : sep;
        newline(depth + 1);
        write(l[i], st, depth + 1, out);
      }
      newline(depth);
      out += ']';
      return;
    }
    case Kind::Map: {
      const Map& m = v.as_map();
      if (m.empty()) { out += "{}"; return; }
      std::vector<const Map::Entry*> es;
      es.reserve(m.size());
      for (const auto& e : m) es.push_back(&e);
      if (st.sort_keys)
        std::sort(es.begin(), es.end(), [](auto* a, auto* b) { return a->first < b->first; });
      out += '{';
      for (size_t i = 0; i < es.size(); ++i) {
        if (i) out += st.indent > 0 ? "," : sep;
        newline(depth + 1);
        out += json_quote(es[i]->first);
        out += st.indent > 0 ? ": " : ":";
        write(es[i]->second, st, depth + 1, out);
      }
      newline(depth);
      out += '}';
      return;
    }
  }
}

class Parser {
 public:
  Parser(std::string_view t, const std::string& f) : t_(t), file_(f) {}

  Result<Value> run() {
    Value v;
    if (auto s = value(v, 0); !s) return s.error();
    ws();
    if (p_ != t_.size()) return fail("trailing characters after JSON value");
    return v;
  }

 private:
  Error fail(const std::string& msg) const {
    int line = 1, col = 1;
    for (size_t i = 0; i < p_ && i < t_.size(); ++i) {
      if (t_[i] == '\n') { ++line; col = 1; } else ++col;
    }
    return Error(msg, Location{file_, line, col});
  }
  void ws() {
    while (p_ < t_.size() && (t_[p_] == ' ' || t_[p_] == '\n' || t_[p_] == '\r' || t_[p_] == '\t'))
      ++p_;
  }
  bool lit(std::string_view w) {
    if (t_.substr(p_, w.size()) == w) { p_ += w.size(); return true; }
    return false;
  }
  Status value(Value& out, int depth) {
    if (depth > 512) return fail("JSON nested too deeply");
    ws();
    if (p_ >= t_.size()) return fail("unexpected end of JSON");
    char c = t_[p_];
    if (c == '{') {
      ++p_;
      Map m;
      ws();
      if (p_ < t_.size() && t_[p_] == '}') { ++p_; out = Value(std::move(m)); return {}; }
      while (true) {
        ws();
        std::string key;
        if (p_ >= t_.size() || t_[p_] != '"') return fail("expected a string key");
        if (auto s = str(key); !s) return s;
        ws();
        if (p_ >= t_.size() || t_[p_] != ':') return fail("expected ':'");
        ++p_;
        Value v;
        if (auto s = value(v, depth + 1); !s) return s;
        m.set(std::move(key), std::move(v));
        ws();
        if (p_ < t_.size() && t_[p_] == ',') { ++p_; continue; }
        if (p_ < t_.size() && t_[p_] == '}') { ++p_; break; }
        return fail("expected ',' or '}'");
      }
      out = Value(std::move(m));
      return {};
    }
    if (c == '[') {
      ++p_;
      List l;
      ws();
      if (p_ < t_.size() && t_[p_] == ']') { ++p_; out = Value(std::move(l)); return {}; }
      while (true) {
        Value v;
        if (auto s = value(v, depth + 1); !s) return s;
        l.push_back(std::move(v));
        ws();
        if (p_ < t_.size() && t_[p_] == ',') { ++p_; continue; }
        if (p_ < t_.size() && t_[p_] == ']') { ++p_; break; }
        return fail("expected ',' or ']'");
      }
      out = Value(std::move(l));
      return {};
    }
    if (c == '"') {
      std::string s;
      if (auto st = str(s); !st) return st;
      out = Value(std::move(s));
      return {};
    }
    if (lit("true")) { out = Value(true); return {}; }
    if (lit("false")) { out = Value(false); return {}; }
    if (lit("null")) { out = Value(); return {}; }
    if (lit("NaN")) { out = Value(std::nan("")); return {}; }
    if (lit("Infinity")) { out = Value(HUGE_VAL); return {}; }
    if (lit("-Infinity")) { out = Value(-HUGE_VAL); return {}; }
    size_t start = p_;
    if (p_ < t_.size() && t_[p_] == '-') ++p_;
    bool is_float = false;
    while (p_ < t_.size()) {
      char d = t_[p_];
      if (d >= '0' && d <= '9') ++p_;
      else if (d == '.' || d == 'e' || d == 'E' || d == '+' || (d == '-' && p_ > start)) {
        is_float = true;
        ++p_;
      } else
        break;
    }
    std::string num(t_.substr(start, p_ - start));
    if (num.empty() || num == "-") return fail("unexpected character in JSON");
    try {
      if (!is_float) {
        size_t used = 0;
        long long i = std::stoll(num, &used);
        if (used == num.size()) { out = Value(static_cast<int64_t>(i)); return {}; }
      }
      size_t used = 0;
      double d = std::stod(num, &used);
      if (used != num.size()) return fail("bad number '" + num + "'");
      out = Value(d);
    } catch (const std::exception&) {
      try {
        out = Value(std::stod(num));
      } catch (const std::exception&) {
        return fail("bad number '" + num + "'");
      }
    }
    return {};
  }
  Status hex4(uint32_t& cp) {
    if (p_ + 4 > t_.size()) return fail("bad \\u escape");
    cp = 0;
    for (int i = 0; i < 4; ++i) {
      char h = t_[p_++];
      cp <<= 4;
      if (h >= '0' && h <= '9') cp |= h - '0';
      else if (h >= 'a' && h <= 'f') cp |= h - 'a' + 10;
      else if (h >= 'A' && h <= 'F') cp |= h - 'A' + 10;
      else return fail("bad \\u escape");
    }
    return {};
  }
  Status str(std::string& out) {
    ++p_;  // opening quote
    while (p_ < t_.size()) {
      char c = t_[p_++];
      if (c == '"') return {};
      if (c != '\\') { out += c; continue; }
      if (p_ >= t_.size()) break;
      char e = t_[p_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          uint32_t cp;
          if (auto s = hex4(cp); !s) return s;
          if (cp >= 0xD800 && cp < 0xDC00 && p_ + 1 < t_.size() && t_[p_] == '\\' &&
              t_[p_ + 1] == 'u') {
            p_ += 2;
            uint32_t lo;
            if (auto s = hex4(lo); !s) return s;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          append_utf8(out, cp);
          break;
        }
        default: return fail("bad escape in JSON string");
      }
    }
    return fail("unterminated JSON string");
  }

  std::string_view t_;
  std::string file_;
  size_t p_ = 0;
};

}  // namespace

std::string to_json(const Value& v, JsonStyle style) {
  std::string out;
  write(v, style, 0, out);
  return out;
}

Result<Value> parse_json(std::string_view text, const std::string& filename) {
  return Parser(text, filename).run();
}

}  // namespace ksm
