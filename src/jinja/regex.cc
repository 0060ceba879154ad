// Python `re` semantics over PCRE2 (which reads Python's (?P<name>...)
// syntax natively): match/search/fullmatch, re.sub with Python replacement
// templates (\1, \g<1>, \g<name>), re.findall. Compiled patterns are cached.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <list>
#include <mutex>
#include <unordered_map>

#include <fmt/format.h>

#include "core/number.h"
#include "jinja/internal.h"

namespace ksm::jinja {

struct PyRegex {
  pcre2_code* code = nullptr;
  uint32_t ngroups = 0;
  std::vector<std::pair<std::string, int>> names;
  ~PyRegex() {
    if (code) pcre2_code_free(code);
  }
};

namespace {

// Python-only syntax PCRE2 spells differently: \Z (end of string) is \z.
std::string translate(const std::string& p) {
  std::string out;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '\\' && i + 1 < p.size()) {
      if (p[i + 1] == 'Z') {
        out += "\\z";
      } else {
        out += p[i];
        out += p[i + 1];
      }
      ++i;
      continue;
    }
    out += p[i];
  }
  return out;
}

struct MatchData {
  pcre2_match_data* md;
  explicit MatchData(const pcre2_code* c) : md(pcre2_match_data_create_from_pattern(c, nullptr)) {}
  ~MatchData() { pcre2_match_data_free(md); }
};

ReMatch to_match(const PyRegex& re, const std::string& s, pcre2_match_data* md) {
  ReMatch m;
  m.ok = true;
  PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
  uint32_t n = pcre2_get_ovector_count(md);
  for (uint32_t g = 0; g <= re.ngroups; ++g) {
    if (g < n && ov[2 * g] != PCRE2_UNSET)
      m.groups.emplace_back(s.substr(ov[2 * g], ov[2 * g + 1] - ov[2 * g]));
    else
      m.groups.emplace_back(std::nullopt);
  }
  m.names = re.names;
  return m;
}

int do_match(const PyRegex& re, const std::string& s, size_t start, uint32_t opts,
             pcre2_match_data* md) {
  int rc = pcre2_match(re.code, reinterpret_cast<PCRE2_SPTR>(s.data()), s.size(), start, opts, md,
                       nullptr);
  if (rc == PCRE2_ERROR_NOMATCH) return 0;
  if (rc < 0) {
    PCRE2_UCHAR buf[256];
    pcre2_get_error_message(rc, buf, sizeof buf);
    abort_unknown(fmt::format("regex match error: {}", reinterpret_cast<char*>(buf)));
  }
  return 1;
}

size_t next_char(const std::string& s, size_t i) {
  ++i;
  while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
  return i;
}

// Iterates matches like Python's finditer (empty matches allowed next to
// a previous non-empty one).
template <typename F>
void for_each_match(const PyRegex& re, const std::string& s, F f) {
  MatchData md(re.code);
  size_t start = 0;
  bool last_empty = false;
  size_t guard = 0;
  while (start <= s.size()) {
    if (++guard > 10'000'000) abort_unknown("evaluation limit (regex matches) exceeded");
    uint32_t opts = last_empty ? (PCRE2_NOTEMPTY_ATSTART | PCRE2_ANCHORED) : 0;
    if (!do_match(re, s, start, opts, md.md)) {
      if (!last_empty) break;
      if (start >= s.size()) break;
      start = next_char(s, start);
      last_empty = false;
      continue;
    }
    PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md.md);
    size_t b = ov[0], e = ov[1];
    if (!f(to_match(re, s, md.md), b, e)) return;
    last_empty = (b == e);
    start = e;
  }
}

}  // namespace

std::shared_ptr<PyRegex> compile_regex(const std::string& pattern, bool ignorecase,
                                       bool multiline) {
  static std::mutex mu;
  static std::unordered_map<std::string, std::shared_ptr<PyRegex>> cache;
  std::string key = pattern + (ignorecase ? "\x01i" : "\x01") + (multiline ? "m" : "");
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(key);
    if (it != cache.end()) return it->second;
  }
  std::string p = translate(pattern);
  uint32_t opts = PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF | PCRE2_DOLLAR_ENDONLY * 0;
  if (ignorecase) opts |= PCRE2_CASELESS;
  if (multiline) opts |= PCRE2_MULTILINE;
  int err = 0;
  PCRE2_SIZE off = 0;
  pcre2_code* code =
      pcre2_compile(reinterpret_cast<PCRE2_SPTR>(p.data()), p.size(), opts, &err, &off, nullptr);
  if (!code) {
    PCRE2_UCHAR buf[256];
    pcre2_get_error_message(err, buf, sizeof buf);
    abort_unknown(fmt::format("re.error: {} at position {} in pattern '{}'",
                              reinterpret_cast<char*>(buf), off, pattern));
  }
  auto re = std::make_shared<PyRegex>();
  re->code = code;
  pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &re->ngroups);
  uint32_t namecount = 0, entry = 0;
  PCRE2_SPTR table = nullptr;
  pcre2_pattern_info(code, PCRE2_INFO_NAMECOUNT, &namecount);
  pcre2_pattern_info(code, PCRE2_INFO_NAMEENTRYSIZE, &entry);
  pcre2_pattern_info(code, PCRE2_INFO_NAMETABLE, &table);
  for (uint32_t i = 0; i < namecount; ++i) {
    const unsigned char* row = table + i * entry;
    int num = (row[0] << 8) | row[1];
    re->names.emplace_back(std::string(reinterpret_cast<const char*>(row + 2)), num);
  }
  std::lock_guard<std::mutex> lock(mu);
  if (cache.size() > 4096) cache.clear();
  cache.emplace(key, re);
  return re;
}

ReMatch regex_exec(const PyRegex& re, const std::string& s, ReMode mode) {
  MatchData md(re.code);
  uint32_t opts = mode == ReMode::Search ? 0 : PCRE2_ANCHORED;
  if (mode == ReMode::Full) opts |= PCRE2_ENDANCHORED;
  if (!do_match(re, s, 0, opts, md.md)) return {};
  return to_match(re, s, md.md);
}

namespace {

int group_index(const ReMatch& m, const std::string& name) {
  for (const auto& [n, i] : m.names)
    if (n == name) return i;
  if (auto g = parse_int64(name); g && *g >= 0 && static_cast<uint64_t>(*g) < m.groups.size())
    return static_cast<int>(*g);
  abort_unknown(fmt::format("re.error: invalid group reference {}", name));
}

std::string expand(const std::string& repl, const ReMatch& m) {
  std::string out;
  for (size_t i = 0; i < repl.size(); ++i) {
    char c = repl[i];
    if (c != '\\' || i + 1 >= repl.size()) {
      if (c == '\\') abort_unknown("re.error: bad escape (end of pattern)");
      out += c;
      continue;
    }
    char n = repl[++i];
    if (std::isdigit(static_cast<unsigned char>(n))) {
      std::string num(1, n);
      if (i + 1 < repl.size() && std::isdigit(static_cast<unsigned char>(repl[i + 1])) && n != '0')
        num += repl[++i];
      if (n == '0') {  // octal escape
        out += '\0';
        continue;
      }
      int g = group_index(m, num);
      if (m.groups[g]) out += *m.groups[g];
      continue;
    }
    if (n == 'g') {
      size_t e = repl.find('>', i);
      if (i + 1 >= repl.size() || repl[i + 1] != '<' || e == std::string::npos)
        abort_unknown("re.error: missing group name");
      int g = group_index(m, repl.substr(i + 2, e - i - 2));
      if (m.groups[g]) out += *m.groups[g];
      i = e;
      continue;
    }
    switch (n) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      case 'a': out += '\a'; break;
      case 'b': out += '\b'; break;
      case '\\': out += '\\'; break;
      default:
        if (std::isalpha(static_cast<unsigned char>(n)))
          abort_unknown(fmt::format("re.error: bad escape \\{}", n));
        out += '\\';
        out += n;
    }
  }
  return out;
}

}  // namespace

std::string regex_sub(const PyRegex& re, const std::string& s, const std::string& repl, int count) {
  std::string out;
  size_t last = 0;
  int n = 0;
  for_each_match(re, s, [&](const ReMatch& m, size_t b, size_t e) {
    out.append(s, last, b - last);
    out += expand(repl, m);
    last = e;
    ++n;
    return count <= 0 || n < count;
  });
  out.append(s, last, std::string::npos);
  return out;
}

std::vector<ReMatch> regex_findall(const PyRegex& re, const std::string& s) {
  std::vector<ReMatch> out;
  for_each_match(re, s, [&](const ReMatch& m, size_t, size_t) {
    out.push_back(m);
    return true;
  });
  return out;
}

}  // namespace ksm::jinja
