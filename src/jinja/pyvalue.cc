// Python value semantics the engine needs beyond core/value.h: truthiness,
// ordering (with Python's TypeError for mixed types), str(), int()/float()
// parsing, "%"- and str.format() formatting, UTF-8 code points.
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "core/number.h"
#include "jinja/internal.h"

namespace ksm::jinja {

const Value* find_unknown(const Value& v) {
  switch (v.kind()) {
    case Kind::Unknown:
    case Kind::Vault: return &v;
    case Kind::List:
      for (const auto& e : v.as_list())
        if (const Value* u = find_unknown(e)) return u;
      return nullptr;
    case Kind::Map:
      for (const auto& [k, e] : v.as_map())
        if (const Value* u = find_unknown(e)) return u;
      return nullptr;
    default: return nullptr;
  }
}

namespace {
// A '%' width or precision past this is not rendered (Unknown): Python would
// build a string that size, and a template that asks for one is not config.
constexpr int64_t kMaxFormatWidth = 1 << 20;
const char kLenientUndefined[] =
    "the inline if-expression evaluated to false and no else section was defined "
    "(Jinja's lenient Undefined, used where it does not print as '')";
}  // namespace

Value lenient_undefined() { return Value::unknown(kLenientUndefined); }
bool is_lenient_undefined(const Value& v) {
  return v.is_unknown() && v.unknown_reason() == kLenientUndefined;
}

std::string opaque_reason(const Value& v) {
  if (v.is_unknown()) return v.unknown_reason();
  if (v.is_vault()) return "vault-encrypted value (never decrypted)";
  return "unknown";
}

std::string py_type(const Value& v) {
  switch (v.kind()) {
    case Kind::Undefined: return "AnsibleUndefined";
    case Kind::Null: return "NoneType";
    case Kind::Bool: return "bool";
    case Kind::Int: return "int";
    case Kind::Float: return "float";
    case Kind::String: return "str";
    case Kind::List: return "list";
    case Kind::Map: return "dict";
    case Kind::Vault: return "AnsibleVaultEncryptedUnicode";
    case Kind::Unknown: return "unknown";
  }
  return "?";
}

std::optional<bool> truthy(const Value& v) {
  switch (v.kind()) {
    case Kind::Null: return false;
    case Kind::Bool: return v.as_bool();
    case Kind::Int: return v.as_int() != 0;
    case Kind::Float: return v.as_float() != 0.0;
    case Kind::String: return !v.as_string().empty();
    case Kind::List: return !v.as_list().empty();
    case Kind::Map: return !v.as_map().empty();
    case Kind::Unknown:
      if (is_lenient_undefined(v)) return false;
      return std::nullopt;
    default: return std::nullopt;
  }
}

namespace {
bool numeric(const Value& v) { return v.is_int() || v.is_float() || v.is_bool(); }
double num(const Value& v) {
  if (v.is_bool()) return v.as_bool() ? 1 : 0;
  return v.as_number();
}
}  // namespace

int py_cmp(const Value& a, const Value& b) {
  if (numeric(a) && numeric(b)) {
    if ((a.is_int() || a.is_bool()) && (b.is_int() || b.is_bool())) {
      int64_t x = a.is_bool() ? a.as_bool() : a.as_int();
      int64_t y = b.is_bool() ? b.as_bool() : b.as_int();
      return x < y ? -1 : x > y ? 1 : 0;
    }
    double x = num(a), y = num(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a.is_string() && b.is_string()) {
    int c = a.as_string().compare(b.as_string());  // UTF-8 byte order == code point order
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  if (a.is_list() && b.is_list()) {
    const List& x = a.as_list();
    const List& y = b.as_list();
    for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
      if (x[i] == y[i]) continue;
      return py_cmp(x[i], y[i]);
    }
    return x.size() < y.size() ? -1 : x.size() > y.size() ? 1 : 0;
  }
  if (a.is_unknown() || b.is_unknown() || a.is_vault() || b.is_vault())
    abort_unknown(opaque_reason(a.is_unknown() || a.is_vault() ? a : b));
  if (a.is_undefined()) undefined_abort("value");
  if (b.is_undefined()) undefined_abort("value");
  abort_unknown(fmt::format("TypeError: '<' not supported between instances of '{}' and '{}'",
                            py_type(a), py_type(b)));
}

bool py_less(const Value& a, const Value& b) { return py_cmp(a, b) < 0; }

std::string py_str(const Value& v) {
  if (v.is_undefined()) undefined_abort("value");
  if (const Value* u = find_unknown(v)) abort_unknown(opaque_reason(*u));
  return to_python_str(v);
}

std::optional<int64_t> parse_py_int(std::string_view s, int base) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  std::string t;
  for (size_t i = a; i < b; ++i) {
    if (s[i] == '_') {
      if (i == a || i + 1 == b || !std::isalnum(static_cast<unsigned char>(s[i - 1])) ||
          !std::isalnum(static_cast<unsigned char>(s[i + 1])))
        return std::nullopt;
      continue;
    }
    t += s[i];
  }
  if (t.empty()) return std::nullopt;
  size_t i = 0;
  bool neg = false;
  if (t[0] == '+' || t[0] == '-') {
    neg = t[0] == '-';
    i = 1;
  }
  if (base == 0 || base == 16 || base == 8 || base == 2) {
    if (t.size() > i + 1 && t[i] == '0' && std::strchr("xXoObB", t[i + 1])) {
      char p = std::tolower(t[i + 1]);
      int pb = p == 'x' ? 16 : p == 'o' ? 8 : 2;
      if (base != 0 && base != pb) return std::nullopt;
      base = pb;
      i += 2;
    } else if (base == 0) {
      base = 10;
    }
  }
  if (i >= t.size()) return std::nullopt;
  for (size_t k = i; k < t.size(); ++k) {
    int d = std::isdigit(static_cast<unsigned char>(t[k])) ? t[k] - '0'
            : std::isalpha(static_cast<unsigned char>(t[k])) ? std::tolower(t[k]) - 'a' + 10
                                                              : 99;
    if (d >= base) return std::nullopt;
  }
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(t.c_str() + i, &end, base);
  if (errno == ERANGE) return std::nullopt;
  return neg ? -v : v;
}

std::optional<double> parse_py_float(std::string_view s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  std::string t(s.substr(a, b - a));
  if (t.empty()) return std::nullopt;
  std::string low;
  for (char c : t) low += static_cast<char>(std::tolower(c));
  std::string body = (low[0] == '+' || low[0] == '-') ? low.substr(1) : low;
  double sign = low[0] == '-' ? -1 : 1;
  if (body == "inf" || body == "infinity") return sign * INFINITY;
  if (body == "nan") return NAN;
  // digits, optional '.', optional exponent; underscores between digits
  std::string clean;
  bool seen_digit = false;
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (c == '_') {
      if (i == 0 || i + 1 >= t.size() || !std::isdigit(static_cast<unsigned char>(t[i - 1])) ||
          !std::isdigit(static_cast<unsigned char>(t[i + 1])))
        return std::nullopt;
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(c))) seen_digit = true;
    else if (!std::strchr("+-.eE", c)) return std::nullopt;
    clean += c;
  }
  if (!seen_digit) return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(clean.c_str(), &end);
  if (end != clean.c_str() + clean.size()) return std::nullopt;
  return v;
}

std::vector<std::string> utf8_chars(const std::string& s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

size_t utf8_len(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

namespace {

std::string fmt_float_fixed(double d, int prec) { return fmt::format("{:.{}f}", d, prec); }

double to_num(const Value& v, const char* spec) {
  if (v.is_int()) return static_cast<double>(v.as_int());
  if (v.is_float()) return v.as_float();
  if (v.is_bool()) return v.as_bool();
  abort_unknown(fmt::format("TypeError: %{} format: a real number is required, not {}", spec,
                            py_type(v)));
}

// The integer a %d, %x or %o conversion prints: %d truncates a float, the
// others refuse it (Python's TypeError); past int64 Python prints a big
// integer, which is not modelled.
int64_t to_int(const Value& v, const char* spec) {
  if (v.is_int()) return v.as_int();
  if (v.is_bool()) return v.as_bool();
  if (v.is_float() && std::string_view(spec) != "d")
    abort_unknown(fmt::format("TypeError: %{} format: an integer is required, not float", spec));
  auto n = truncate_to_int64(to_num(v, spec));
  if (!n)
    abort_unknown(
        fmt::format("%{} format: the value is past the 64-bit range (not rendered)", spec));
  return *n;
}

}  // namespace

Value py_percent_format(const std::string& f, const Value& args) {
  std::vector<Value> items;
  const Map* mapping = nullptr;
  if (args.is_list()) items = args.as_list();
  else if (args.is_map()) mapping = &args.as_map();
  else items.push_back(args);
  size_t next = 0;
  std::string out;
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] != '%') {
      out += f[i];
      continue;
    }
    if (++i >= f.size()) abort_unknown("ValueError: incomplete format");
    if (f[i] == '%') {
      out += '%';
      continue;
    }
    const Value* arg = nullptr;
    if (f[i] == '(') {
      size_t e = f.find(')', i);
      if (e == std::string::npos || !mapping) abort_unknown("TypeError: format requires a mapping");
      arg = mapping->find(f.substr(i + 1, e - i - 1));
      if (!arg) abort_unknown("KeyError in % format");
      i = e + 1;
    }
    std::string flags;
    while (i < f.size() && std::strchr("-+ 0#", f[i])) flags += f[i++];
    std::string width;
    while (i < f.size() && std::isdigit(static_cast<unsigned char>(f[i]))) width += f[i++];
    int prec = -1;
    if (i < f.size() && f[i] == '.') {
      ++i;
      std::string p;
      while (i < f.size() && std::isdigit(static_cast<unsigned char>(f[i]))) p += f[i++];
      auto n = p.empty() ? std::optional<int64_t>(0) : parse_int64(p);
      if (!n || *n > kMaxFormatWidth)
        abort_unknown("%-format precision past 1,048,576 (not rendered)");
      prec = static_cast<int>(*n);
    }
    if (i >= f.size()) abort_unknown("ValueError: incomplete format");
    char conv = f[i];
    if (!arg) {
      if (mapping) abort_unknown("TypeError: format requires a mapping");
      if (next >= items.size()) abort_unknown("TypeError: not enough arguments for format string");
      arg = &items[next++];
    }
    if (const Value* u = find_unknown(*arg)) abort_unknown(opaque_reason(*u));
    std::string piece;
    switch (conv) {
      case 's': piece = py_str(*arg); if (prec >= 0) piece = piece.substr(0, prec); break;
      case 'r': piece = to_python_repr(*arg); break;
      case 'd': case 'i': case 'u': {
        int64_t n = arg->is_int() ? arg->as_int() : to_int(*arg, "d");
        piece = std::to_string(n);
        if (flags.find('+') != std::string::npos && n >= 0) piece = "+" + piece;
        break;
      }
      case 'f': case 'F': piece = fmt_float_fixed(to_num(*arg, "f"), prec < 0 ? 6 : prec); break;
      case 'x': piece = fmt::format("{:x}", to_int(*arg, "x")); break;
      case 'X': piece = fmt::format("{:X}", to_int(*arg, "X")); break;
      case 'o': piece = fmt::format("{:o}", to_int(*arg, "o")); break;
      default: abort_unknown(fmt::format("unsupported % format character '{}'", conv));
    }
    auto wn = width.empty() ? std::optional<int64_t>(0) : parse_int64(width);
    if (!wn || *wn > kMaxFormatWidth) abort_unknown("%-format width past 1,048,576 (not rendered)");
    size_t w = static_cast<size_t>(*wn);
    size_t len = utf8_len(piece);
    if (len < w) {
      if (flags.find('-') != std::string::npos) piece += std::string(w - len, ' ');
      else if (flags.find('0') != std::string::npos && conv != 's' && conv != 'r') {
        bool neg = !piece.empty() && (piece[0] == '-' || piece[0] == '+');
        piece.insert(neg ? 1 : 0, std::string(w - len, '0'));
      } else piece = std::string(w - len, ' ') + piece;
    }
    out += piece;
  }
  if (!mapping && next < items.size() && !(items.size() == 1 && args.is_map()))
    abort_unknown("TypeError: not all arguments converted during string formatting");
  return Value(out);
}

Value py_str_format(const std::string& f, const std::vector<Value>& args,
                    const std::vector<std::pair<std::string, Value>>& kwargs) {
  std::string out;
  size_t auto_idx = 0;
  for (size_t i = 0; i < f.size(); ++i) {
    char c = f[i];
    if (c == '{') {
      if (i + 1 < f.size() && f[i + 1] == '{') {
        out += '{';
        ++i;
        continue;
      }
      size_t e = f.find('}', i);
      if (e == std::string::npos)
        abort_unknown("ValueError: Single '{' encountered in format string");
      std::string field = f.substr(i + 1, e - i - 1);
      std::string spec;
      if (auto colon = field.find(':'); colon != std::string::npos) {
        spec = field.substr(colon + 1);
        field = field.substr(0, colon);
      }
      if (field.find('!') != std::string::npos || field.find('.') != std::string::npos ||
          field.find('[') != std::string::npos)
        abort_unknown("unsupported: str.format field '" + field + "'");
      const Value* arg = nullptr;
      if (field.empty()) {
        if (auto_idx >= args.size()) abort_unknown("IndexError: Replacement index out of range");
        arg = &args[auto_idx++];
      } else if (auto k = parse_int64(field)) {
        if (*k < 0 || static_cast<uint64_t>(*k) >= args.size())
          abort_unknown("IndexError: Replacement index out of range");
        arg = &args[static_cast<size_t>(*k)];
      } else {
        for (const auto& [k, v] : kwargs)
          if (k == field) arg = &v;
        if (!arg) abort_unknown("KeyError: '" + field + "'");
      }
      if (!spec.empty()) abort_unknown("unsupported: str.format spec '" + spec + "'");
      out += py_str(*arg);
      i = e;
      continue;
    }
    if (c == '}') {
      if (i + 1 < f.size() && f[i + 1] == '}') {
        out += '}';
        ++i;
        continue;
      }
      abort_unknown("ValueError: Single '}' encountered in format string");
    }
    out += c;
  }
  return Value(out);
}

}  // namespace ksm::jinja
