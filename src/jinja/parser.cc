// Jinja lexer and parser: template text (with Ansible's environment:
// trim_blocks on, lstrip_blocks off, one trailing newline dropped) into the
// syntax tree of internal.h, following Jinja's grammar and operator
// precedence (jinja2/parser.py).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "core/number.h"
#include "core/text.h"
#include "jinja/internal.h"

namespace ksm::jinja {
namespace {

enum class TT { Data, VarBegin, VarEnd, BlockBegin, BlockEnd, Name, String, Int, Float, Op, Eof };

struct Tok {
  TT type;
  std::string text;  // Data text, name, op, decoded string
  Value num;
  int line = 1;
};

struct ParseFail {
  std::string msg;
  int line;
};

bool is_name_start(unsigned char c) { return std::isalpha(c) || c == '_' || c >= 0x80; }
bool is_name_char(unsigned char c) { return std::isalnum(c) || c == '_' || c >= 0x80; }

// Python's unicode-escape decoding of a string literal's body.
std::string unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c != '\\' || i + 1 >= s.size()) {
      out += c;
      continue;
    }
    char n = s[++i];
    auto hex = [&](size_t len) -> bool {
      uint32_t cp = 0;
      for (size_t k = 1; k <= len; ++k) {
        if (i + k >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + k]))) return false;
        char h = s[i + k];
        cp = cp * 16 +
             (std::isdigit(static_cast<unsigned char>(h)) ? h - '0' : (std::tolower(h) - 'a' + 10));
      }
      append_utf8(out, cp);
      i += len;
      return true;
    };
    switch (n) {
      case '\\': out += '\\'; break;
      case '\'': out += '\''; break;
      case '"': out += '"'; break;
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'a': out += '\a'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      case '\n': break;
      case 'x': if (!hex(2)) { out += "\\x"; } break;
      case 'u': if (!hex(4)) { out += "\\u"; } break;
      case 'U': if (!hex(8)) { out += "\\U"; } break;
      default:
        if (n >= '0' && n <= '7') {
          uint32_t cp = n - '0';
          for (int k = 0; k < 2 && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '7'; ++k)
            cp = cp * 8 + (s[++i] - '0');
          append_utf8(out, cp);
        } else {
          out += '\\';
          out += n;
        }
    }
  }
  return out;
}

class Lexer {
 public:
  Lexer(std::string_view src, bool expression_only) : s_(src), expr_only_(expression_only) {}

  std::vector<Tok> run() {
    if (expr_only_) {
      size_t pos = 0;
      lex_expr(pos, TT::Eof);
      toks_.push_back({TT::Eof, "", {}, line_});
      return toks_;
    }
    // Jinja drops one trailing newline (keep_trailing_newline=False).
    if (!s_.empty() && s_.back() == '\n') {
      s_.remove_suffix(1);
      if (!s_.empty() && s_.back() == '\r') s_.remove_suffix(1);
    }
    size_t pos = 0;
    bool lstrip_next = false;
    while (pos < s_.size()) {
      size_t open = find_open(pos);
      std::string data(s_.substr(pos, open - pos));
      if (lstrip_next) {
        size_t k = 0;
        while (k < data.size() && std::isspace(static_cast<unsigned char>(data[k]))) ++k;
        data.erase(0, k);
        lstrip_next = false;
      }
      if (open == s_.size()) {
        add_data(data, pos);
        break;
      }
      char kind = s_[open + 1];
      size_t p = open + 2;
      bool rstrip = false;
      if (p < s_.size() && s_[p] == '-') { rstrip = true; ++p; }
      else if (p < s_.size() && s_[p] == '+') { ++p; }
      if (rstrip) {
        size_t e = data.size();
        while (e > 0 && std::isspace(static_cast<unsigned char>(data[e - 1]))) --e;
        data.resize(e);
      }
      add_data(data, pos);
      count_lines(pos, p);
      if (kind == '#') {
        size_t close = s_.find("#}", p);
        if (close == std::string_view::npos) throw ParseFail{"missing end of comment tag", line_};
        bool strip = close > p && s_[close - 1] == '-';
        bool plus = close > p && s_[close - 1] == '+';
        count_lines(p, close + 2);
        pos = close + 2;
        if (strip) lstrip_next = true;
        else if (!plus) pos = trim_newline(pos);
        continue;
      }
      if (kind == '%') {
        // raw block?
        size_t q = p;
        while (q < s_.size() && std::isspace(static_cast<unsigned char>(s_[q]))) ++q;
        if (s_.compare(q, 3, "raw") == 0 && (q + 3 >= s_.size() || !is_name_char(s_[q + 3]))) {
          pos = lex_raw(q + 3);
          continue;
        }
        toks_.push_back({TT::BlockBegin, "", {}, line_});
        bool strip = false, plus = false;
        pos = lex_expr(p, TT::BlockEnd, &strip, &plus);
        if (strip) lstrip_next = true;
        else if (!plus) pos = trim_newline(pos);
        continue;
      }
      toks_.push_back({TT::VarBegin, "", {}, line_});
      bool strip = false;
      pos = lex_expr(p, TT::VarEnd, &strip);
      if (strip) lstrip_next = true;
    }
    toks_.push_back({TT::Eof, "", {}, line_});
    return toks_;
  }

 private:
  size_t find_open(size_t pos) {
    while (true) {
      size_t k = s_.find('{', pos);
      if (k == std::string_view::npos || k + 1 >= s_.size()) return s_.size();
      char c = s_[k + 1];
      if (c == '{' || c == '%' || c == '#') return k;
      pos = k + 1;
    }
  }
  void add_data(const std::string& d, size_t) {
    if (d.empty()) return;
    toks_.push_back({TT::Data, d, {}, line_});
  }
  void count_lines(size_t a, size_t b) {
    for (size_t i = a; i < b && i < s_.size(); ++i)
      if (s_[i] == '\n') ++line_;
  }
  size_t trim_newline(size_t pos) {
    if (pos < s_.size() && s_[pos] == '\n') { ++line_; return pos + 1; }
    if (pos + 1 < s_.size() && s_[pos] == '\r' && s_[pos + 1] == '\n') { ++line_; return pos + 2; }
    return pos;
  }
  // After `{% raw`: expects `%}` (optionally `-%}`), then literal text up to `{% endraw %}`.
  size_t lex_raw(size_t p) {
    while (p < s_.size() && std::isspace(static_cast<unsigned char>(s_[p]))) ++p;
    bool strip_after = false;
    if (p < s_.size() && s_[p] == '-') { strip_after = true; ++p; }
    if (s_.compare(p, 2, "%}") != 0) throw ParseFail{"expected '%}' after raw", line_};
    p += 2;
    // find {% endraw %} with optional whitespace control
    size_t search = p;
    while (true) {
      size_t k = s_.find("{%", search);
      if (k == std::string_view::npos) throw ParseFail{"missing endraw", line_};
      size_t q = k + 2;
      bool rstrip = false;
      if (q < s_.size() && (s_[q] == '-' || s_[q] == '+')) { rstrip = s_[q] == '-'; ++q; }
      while (q < s_.size() && std::isspace(static_cast<unsigned char>(s_[q]))) ++q;
      if (s_.compare(q, 6, "endraw") == 0) {
        q += 6;
        while (q < s_.size() && std::isspace(static_cast<unsigned char>(s_[q]))) ++q;
        bool strip2 = false, plus = false;
        if (q < s_.size() && s_[q] == '-') { strip2 = true; ++q; }
        else if (q < s_.size() && s_[q] == '+') { plus = true; ++q; }
        if (s_.compare(q, 2, "%}") != 0) throw ParseFail{"expected '%}' after endraw", line_};
        std::string data(s_.substr(p, k - p));
        if (strip_after) {
          size_t b = 0;
          while (b < data.size() && std::isspace(static_cast<unsigned char>(data[b]))) ++b;
          data.erase(0, b);
        } else if (!data.empty() && data[0] == '\n') {
          data.erase(0, 1);  // trim_blocks applies to the raw tag too
        }
        if (rstrip) {
          size_t e = data.size();
          while (e > 0 && std::isspace(static_cast<unsigned char>(data[e - 1]))) --e;
          data.resize(e);
        }
        add_data(data, p);
        count_lines(p, q + 2);
        size_t end = q + 2;
        if (strip2) {
          while (end < s_.size() && std::isspace(static_cast<unsigned char>(s_[end]))) ++end;
        } else if (!plus) {
          end = trim_newline(end);
        }
        return end;
      }
      search = k + 2;
    }
  }

  // Lexes expression tokens from p until the end delimiter (`}}` or `%}`
  // at bracket depth 0), or the end of input for expression-only mode.
  size_t lex_expr(size_t p, TT end, bool* strip = nullptr, bool* plus = nullptr) {
    int depth = 0;
    const char* close = end == TT::VarEnd ? "}}" : "%}";
    while (true) {
      while (p < s_.size() && std::isspace(static_cast<unsigned char>(s_[p]))) {
        if (s_[p] == '\n') ++line_;
        ++p;
      }
      if (p >= s_.size()) {
        if (end == TT::Eof) return p;
        throw ParseFail{end == TT::VarEnd ? "unexpected end of template, expected '}}'"
                                          : "unexpected end of template, expected '%}'",
                        line_};
      }
      if (end != TT::Eof && depth == 0) {
        if ((s_[p] == '-' || s_[p] == '+') && s_.compare(p + 1, 2, close) == 0) {
          if (s_[p] == '-' && strip) *strip = true;
          if (s_[p] == '+' && plus) *plus = true;
          toks_.push_back({end, "", {}, line_});
          return p + 3;
        }
        if (s_.compare(p, 2, close) == 0) {
          toks_.push_back({end, "", {}, line_});
          return p + 2;
        }
      }
      unsigned char c = s_[p];
      if (is_name_start(c)) {
        size_t q = p;
        while (q < s_.size() && is_name_char(s_[q])) ++q;
        toks_.push_back({TT::Name, std::string(s_.substr(p, q - p)), {}, line_});
        p = q;
        continue;
      }
      if (std::isdigit(c)) {
        p = lex_number(p);
        continue;
      }
      if (c == '\'' || c == '"') {
        size_t q = p + 1;
        while (q < s_.size() && s_[q] != static_cast<char>(c)) {
          if (s_[q] == '\\') ++q;
          ++q;
        }
        if (q >= s_.size()) throw ParseFail{"unexpected end of string", line_};
        std::string body(s_.substr(p + 1, q - p - 1));
        toks_.push_back({TT::String, unescape(body), {}, line_});
        count_lines(p, q);
        p = q + 1;
        continue;
      }
      static const char* ops[] = {"//", "**", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%",
                                  "~",  "<",  ">",  "=",  "(",  ")",  "[", "]", "{", "}", ",",
                                  ".",  ":",  "|",  ";"};
      bool found = false;
      for (const char* op : ops) {
        size_t n = std::strlen(op);
        if (s_.compare(p, n, op) == 0) {
          if (op[0] == '(' || op[0] == '[' || op[0] == '{') ++depth;
          if (op[0] == ')' || op[0] == ']' || op[0] == '}') {
            if (depth == 0 && end == TT::Eof)
              throw ParseFail{fmt::format("unexpected '{}'", op), line_};
            if (depth > 0) --depth;
          }
          toks_.push_back({TT::Op, op, {}, line_});
          p += n;
          found = true;
          break;
        }
      }
      if (!found) throw ParseFail{fmt::format("unexpected char '{}'", static_cast<char>(c)), line_};
    }
  }

  size_t lex_number(size_t p) {
    size_t q = p;
    auto digits = [&](auto pred) {
      while (q < s_.size() &&
             (pred(static_cast<unsigned char>(s_[q])) ||
              (s_[q] == '_' && q + 1 < s_.size() && pred(static_cast<unsigned char>(s_[q + 1])))))
        ++q;
    };
    auto isdig = [](unsigned char ch) { return std::isdigit(ch) != 0; };
    // Jinja's integer_re: 0b(_?[01])+ | 0o(_?[0-7])+ | 0x(_?[0-9a-f])+; a
    // prefix without a digit of its base is the literal 0 and a name after it.
    if (s_[p] == '0' && p + 1 < s_.size() && s_[p + 1] != '\0' &&
        std::strchr("xXoObB", s_[p + 1])) {
      char b = static_cast<char>(std::tolower(static_cast<unsigned char>(s_[p + 1])));
      int base = b == 'x' ? 16 : b == 'o' ? 8 : 2;
      auto of_base = [base](unsigned char ch) {
        return base == 16 ? std::isxdigit(ch) != 0 : ch >= '0' && ch < '0' + base;
      };
      size_t r = p + 2;
      if (r < s_.size() && s_[r] == '_') ++r;
      if (r < s_.size() && of_base(static_cast<unsigned char>(s_[r]))) {
        q = p + 2;
        digits(of_base);
        std::string d;
        for (size_t i = p + 2; i < q; ++i) if (s_[i] != '_') d += s_[i];
        auto v = parse_int64(d, base);
        if (!v) throw ParseFail{"integer literal too large", line_};
        toks_.push_back({TT::Int, "", Value(*v), line_});
        return q;
      }
    }
    digits(isdig);
    bool is_float = false;
    if (q + 1 < s_.size() && s_[q] == '.' && std::isdigit(static_cast<unsigned char>(s_[q + 1]))) {
      ++q;
      digits(isdig);
      is_float = true;
    }
    if (q < s_.size() && (s_[q] == 'e' || s_[q] == 'E')) {
      size_t r = q + 1;
      if (r < s_.size() && (s_[r] == '+' || s_[r] == '-')) ++r;
      if (r < s_.size() && std::isdigit(static_cast<unsigned char>(s_[r]))) {
        q = r;
        digits(isdig);
        is_float = true;
      }
    }
    std::string d;
    for (size_t i = p; i < q; ++i) if (s_[i] != '_') d += s_[i];
    if (is_float) {
      // Below the range is 0.0, as in Python; past it Jinja compiles the name
      // `inf` and fails, so it is an error here too (std::stod would throw).
      double v = std::strtod(d.c_str(), nullptr);
      if (std::isinf(v)) throw ParseFail{"float literal out of range", line_};
      toks_.push_back({TT::Float, "", Value(v), line_});
    } else {
      errno = 0;
      char* endp = nullptr;
      long long v = std::strtoll(d.c_str(), &endp, 10);
      if (errno == ERANGE) throw ParseFail{"integer literal too large", line_};
      toks_.push_back({TT::Int, "", Value(static_cast<int64_t>(v)), line_});
    }
    return q;
  }

  std::string_view s_;
  bool expr_only_;
  std::vector<Tok> toks_;
  int line_ = 1;
};

// Bounds on what one template may nest, so that parsing, evaluating and
// freeing a tree never exhausts the stack: recursive descent (parentheses,
// brackets, unary operators, statements) and the height of the expression
// tree (chains such as `a + a + ...` or `x | f | f ...` grow it without
// recursion). CPython itself refuses 200 nested parentheses.
constexpr int kMaxNesting = 100;
constexpr int kMaxTreeDepth = 256;

NodeP mk(NK k, int line) {
  auto n = std::make_shared<Node>();
  n->kind = k;
  n->line = line;
  return n;
}

class Parser {
 public:
  explicit Parser(std::vector<Tok> toks) : t_(std::move(toks)) {}

  const Tok& cur() const { return t_[i_]; }
  const Tok& peek(size_t k = 1) const { return t_[std::min(i_ + k, t_.size() - 1)]; }
  void next() { if (i_ + 1 < t_.size()) ++i_; }
  bool is_op(const char* op) const { return cur().type == TT::Op && cur().text == op; }
  bool is_name(const char* n) const { return cur().type == TT::Name && cur().text == n; }
  [[noreturn]] void fail(const std::string& msg) const { throw ParseFail{msg, cur().line}; }

  // One level of recursive descent (see kMaxNesting).
  struct Nest {
    explicit Nest(Parser& p) : p_(p) {
      if (++p_.nest_ > kMaxNesting)
        p_.fail(fmt::format("template nested too deeply (more than {} levels)", kMaxNesting));
    }
    ~Nest() { --p_.nest_; }
    Nest(const Nest&) = delete;
    Nest& operator=(const Nest&) = delete;
    Parser& p_;
  };
  // Sets n->depth from its operands; refuses trees taller than kMaxTreeDepth.
  NodeP sized(NodeP n) const {
    int d = 0;
    for (const auto& k : n->kids)
      if (k) d = std::max(d, k->depth);
    for (const auto& kw : n->kwargs)
      if (kw.second) d = std::max(d, kw.second->depth);
    for (const auto& c : n->conds)
      if (c) d = std::max(d, c->depth);
    n->depth = d + 1;
    if (n->depth > kMaxTreeDepth)
      fail(fmt::format("expression nested too deeply (more than {} levels)", kMaxTreeDepth));
    return n;
  }
  std::string describe(const Tok& t) const {
    switch (t.type) {
      case TT::Eof: return "end of input";
      case TT::VarEnd: return "end of print statement";
      case TT::BlockEnd: return "end of statement block";
      case TT::Data: return "template data";
      case TT::Name: return "'" + t.text + "'";
      case TT::String: return "string";
      case TT::Int: case TT::Float: return "number";
      case TT::Op: return "'" + t.text + "'";
      default: return "token";
    }
  }
  void expect_op(const char* op) {
    if (!is_op(op)) fail(fmt::format("expected '{}', got {}", op, describe(cur())));
    next();
  }
  std::string expect_name() {
    if (cur().type != TT::Name) fail(fmt::format("expected a name, got {}", describe(cur())));
    std::string n = cur().text;
    next();
    return n;
  }

  // ---- statements ----
  std::vector<NodeP> parse_stmts(const std::vector<std::string>& end_tags, std::string* ended) {
    std::vector<NodeP> out;
    while (true) {
      const Tok& tk = cur();
      if (tk.type == TT::Eof) {
        if (!end_tags.empty())
          fail(fmt::format("unexpected end of template, expected '{}'", end_tags.front()));
        return out;
      }
      if (tk.type == TT::Data) {
        auto n = mk(NK::Text, tk.line);
        n->name = tk.text;
        out.push_back(n);
        next();
        continue;
      }
      if (tk.type == TT::VarBegin) {
        next();
        auto n = mk(NK::Output, tk.line);
        n->kids.push_back(parse_expression());
        if (cur().type != TT::VarEnd)
          fail(fmt::format("expected end of print statement, got {}", describe(cur())));
        next();
        out.push_back(n);
        continue;
      }
      if (tk.type == TT::BlockBegin) {
        next();
        if (cur().type != TT::Name) fail("tag name expected");
        std::string tag = cur().text;
        for (const auto& e : end_tags) {
          if (tag == e) {
            next();
            *ended = tag;
            return out;
          }
        }
        out.push_back(parse_statement(tag));
        continue;
      }
      fail(fmt::format("unexpected {}", describe(tk)));
    }
  }

  void expect_block_end() {
    if (cur().type != TT::BlockEnd)
      fail(fmt::format("expected end of statement block, got {}", describe(cur())));
    next();
  }

  NodeP parse_statement(const std::string& tag) {
    Nest nest(*this);
    int line = cur().line;
    next();
    if (tag == "if") {
      auto n = mk(NK::If, line);
      n->conds.push_back(parse_expression());
      expect_block_end();
      while (true) {
        std::string ended;
        n->bodies.push_back(parse_stmts({"elif", "else", "endif"}, &ended));
        if (ended == "elif") {
          n->conds.push_back(parse_expression());
          expect_block_end();
          continue;
        }
        if (ended == "else") {
          expect_block_end();
          std::string e2;
          n->bodies.push_back(parse_stmts({"endif"}, &e2));
          n->has_else = true;
        }
        expect_block_end();
        return n;
      }
    }
    if (tag == "for") {
      auto n = mk(NK::For, line);
      n->targets.push_back(expect_name());
      while (is_op(",")) {
        next();
        n->targets.push_back(expect_name());
      }
      if (!is_name("in")) fail("expected 'in'");
      next();
      n->conds.push_back(parse_expression(false));
      if (is_name("if")) {
        next();
        n->conds.push_back(parse_expression());
      }
      if (is_name("recursive")) {
        n->recursive = true;
        next();
      }
      expect_block_end();
      std::string ended;
      n->bodies.push_back(parse_stmts({"endfor", "else"}, &ended));
      if (ended == "else") {
        expect_block_end();
        std::string e2;
        n->bodies.push_back(parse_stmts({"endfor"}, &e2));
        n->has_else = true;
      }
      expect_block_end();
      return n;
    }
    if (tag == "set") {
      std::vector<std::string> targets{expect_name()};
      if (is_op(".")) fail("unsupported: namespace attribute assignment in set");
      while (is_op(",")) {
        next();
        targets.push_back(expect_name());
      }
      if (is_op("=")) {
        next();
        auto n = mk(NK::Set, line);
        n->targets = targets;
        n->kids.push_back(parse_tuple_expression());
        expect_block_end();
        return n;
      }
      if (targets.size() != 1) fail("expected '='");
      auto n = mk(NK::SetBlock, line);
      n->targets = targets;
      // optional filter on block set: {% set x | upper %}
      while (is_op("|")) {
        next();
        auto f = mk(NK::Filter, cur().line);
        f->name = parse_dotted_name();
        if (is_op("(")) parse_call_args(*f);
        n->conds.push_back(f);
      }
      expect_block_end();
      std::string ended;
      n->bodies.push_back(parse_stmts({"endset"}, &ended));
      expect_block_end();
      return n;
    }
    fail(fmt::format("unsupported statement '{}'", tag));
  }

  // ---- expressions ----
  NodeP parse_tuple_expression() {
    int line = cur().line;
    NodeP first = parse_expression();
    if (!is_op(",")) return first;
    auto t = mk(NK::Tuple, line);
    t->kids.push_back(first);
    while (is_op(",")) {
      next();
      if (at_expr_end()) break;
      t->kids.push_back(parse_expression());
    }
    return sized(t);
  }
  bool at_expr_end() const {
    TT ty = cur().type;
    return ty == TT::VarEnd || ty == TT::BlockEnd || ty == TT::Eof;
  }

  NodeP parse_expression(bool with_condexpr = true) {
    Nest nest(*this);
    if (!with_condexpr) return parse_or();
    NodeP expr1 = parse_or();
    while (is_name("if")) {
      int line = cur().line;
      next();
      NodeP cond = parse_or();
      NodeP expr3;
      if (is_name("else")) {
        next();
        expr3 = parse_expression();
      }
      auto n = mk(NK::CondExpr, line);
      n->kids = {expr1, cond, expr3};
      expr1 = sized(n);
    }
    return expr1;
  }
  NodeP parse_or() {
    NodeP left = parse_and();
    while (is_name("or")) {
      int line = cur().line;
      next();
      auto n = mk(NK::Or, line);
      n->kids = {left, parse_and()};
      left = sized(n);
    }
    return left;
  }
  NodeP parse_and() {
    NodeP left = parse_not();
    while (is_name("and")) {
      int line = cur().line;
      next();
      auto n = mk(NK::And, line);
      n->kids = {left, parse_not()};
      left = sized(n);
    }
    return left;
  }
  NodeP parse_not() {
    if (is_name("not")) {
      Nest nest(*this);
      int line = cur().line;
      next();
      auto n = mk(NK::Not, line);
      n->kids = {parse_not()};
      return sized(n);
    }
    return parse_compare();
  }
  NodeP parse_compare() {
    int line = cur().line;
    NodeP expr = parse_math1();
    std::vector<std::string> ops;
    std::vector<NodeP> operands{expr};
    while (true) {
      if (cur().type == TT::Op && (cur().text == "==" || cur().text == "!=" || cur().text == "<" ||
                                   cur().text == ">" || cur().text == "<=" || cur().text == ">=")) {
        ops.push_back(cur().text);
        next();
        operands.push_back(parse_math1());
      } else if (is_name("in")) {
        ops.push_back("in");
        next();
        operands.push_back(parse_math1());
      } else if (is_name("not") && peek().type == TT::Name && peek().text == "in") {
        ops.push_back("notin");
        next();
        next();
        operands.push_back(parse_math1());
      } else {
        break;
      }
    }
    if (ops.empty()) return expr;
    auto n = mk(NK::Compare, line);
    n->kids = operands;
    n->ops = ops;
    return sized(n);
  }
  NodeP binary(const std::string& op, NodeP l, NodeP r, int line) {
    auto n = mk(op == "~" ? NK::Concat : NK::Binary, line);
    n->name = op;
    n->kids = {std::move(l), std::move(r)};
    return sized(n);
  }
  NodeP parse_math1() {
    NodeP left = parse_concat();
    while (is_op("+") || is_op("-")) {
      std::string op = cur().text;
      int line = cur().line;
      next();
      left = binary(op, left, parse_concat(), line);
    }
    return left;
  }
  NodeP parse_concat() {
    NodeP left = parse_math2();
    while (is_op("~")) {
      int line = cur().line;
      next();
      left = binary("~", left, parse_math2(), line);
    }
    return left;
  }
  NodeP parse_math2() {
    NodeP left = parse_pow();
    while (is_op("*") || is_op("/") || is_op("//") || is_op("%")) {
      std::string op = cur().text;
      int line = cur().line;
      next();
      left = binary(op, left, parse_pow(), line);
    }
    return left;
  }
  NodeP parse_pow() {
    NodeP left = parse_unary();
    while (is_op("**")) {
      int line = cur().line;
      next();
      left = binary("**", left, parse_unary(), line);
    }
    return left;
  }
  NodeP parse_unary(bool with_filter = true) {
    int line = cur().line;
    NodeP node;
    if (is_op("-") || is_op("+")) {
      Nest nest(*this);
      node = mk(is_op("-") ? NK::Neg : NK::Pos, line);
      next();
      node->kids = {parse_unary(false)};
      node = sized(node);
    } else {
      node = parse_primary();
    }
    node = parse_postfix(node);
    if (with_filter) node = parse_filter_expr(node);
    return node;
  }
  NodeP parse_primary() {
    const Tok& tk = cur();
    int line = tk.line;
    if (tk.type == TT::Name) {
      const std::string& n = tk.text;
      auto lit = mk(NK::Literal, line);
      if (n == "true" || n == "True") { lit->lit = true; next(); return lit; }
      if (n == "false" || n == "False") { lit->lit = false; next(); return lit; }
      if (n == "none" || n == "None") { lit->lit = nullptr; next(); return lit; }
      auto nm = mk(NK::Name, line);
      nm->name = n;
      next();
      return nm;
    }
    if (tk.type == TT::String) {
      std::string s = tk.text;
      next();
      while (cur().type == TT::String) {
        s += cur().text;
        next();
      }
      auto lit = mk(NK::Literal, line);
      lit->lit = Value(std::move(s));
      return lit;
    }
    if (tk.type == TT::Int || tk.type == TT::Float) {
      auto lit = mk(NK::Literal, line);
      lit->lit = tk.num;
      next();
      return lit;
    }
    if (is_op("(")) {
      next();
      if (is_op(")")) {
        next();
        return mk(NK::Tuple, line);
      }
      NodeP first = parse_expression();
      if (is_op(",")) {
        auto t = mk(NK::Tuple, line);
        t->kids.push_back(first);
        while (is_op(",")) {
          next();
          if (is_op(")")) break;
          t->kids.push_back(parse_expression());
        }
        expect_op(")");
        return sized(t);
      }
      expect_op(")");
      return first;
    }
    if (is_op("[")) {
      next();
      auto l = mk(NK::List, line);
      while (!is_op("]")) {
        if (!l->kids.empty()) {
          expect_op(",");
          if (is_op("]")) break;
        }
        l->kids.push_back(parse_expression());
      }
      expect_op("]");
      return sized(l);
    }
    if (is_op("{")) {
      next();
      auto d = mk(NK::Dict, line);
      while (!is_op("}")) {
        if (!d->kids.empty()) {
          expect_op(",");
          if (is_op("}")) break;
        }
        d->kids.push_back(parse_expression());
        expect_op(":");
        d->kids.push_back(parse_expression());
      }
      expect_op("}");
      return sized(d);
    }
    fail(fmt::format("unexpected {}", describe(tk)));
  }
  NodeP parse_postfix(NodeP node) {
    while (true) {
      if (is_op(".")) {
        int line = cur().line;
        next();
        auto n = mk(NK::Getattr, line);
        if (cur().type == TT::Name) {
          n->name = cur().text;
        } else if (cur().type == TT::Int) {
          // a.0 is a[0]
          n = mk(NK::Getitem, line);
          auto idx = mk(NK::Literal, line);
          idx->lit = cur().num;
          n->kids = {node, idx};
          next();
          node = sized(n);
          continue;
        } else {
          fail("expected name or number after '.'");
        }
        next();
        n->kids = {node};
        node = sized(n);
      } else if (is_op("[")) {
        node = parse_subscript(node);
      } else if (is_op("(")) {
        auto c = mk(NK::Call, cur().line);
        c->kids.push_back(node);
        parse_call_args(*c);
        node = sized(c);
      } else {
        return node;
      }
    }
  }
  NodeP parse_subscript(NodeP node) {
    int line = cur().line;
    next();  // [
    std::vector<NodeP> parts;  // each item: expr or slice
    bool is_slice = false;
    NodeP start, stop, step;
    if (!is_op(":")) start = parse_expression();
    if (is_op(":")) {
      is_slice = true;
      next();
      if (!is_op("]") && !is_op(":")) stop = parse_expression();
      if (is_op(":")) {
        next();
        if (!is_op("]")) step = parse_expression();
      }
    } else if (is_op(",")) {
      fail("unsupported: tuple subscript");
    }
    expect_op("]");
    if (is_slice) {
      auto n = mk(NK::Slice, line);
      n->kids = {node, start, stop, step};
      return sized(n);
    }
    auto n = mk(NK::Getitem, line);
    n->kids = {node, start};
    return sized(n);
  }
  void parse_call_args(Node& n) {
    expect_op("(");
    bool first = true;
    while (!is_op(")")) {
      if (!first) {
        expect_op(",");
        if (is_op(")")) break;
      }
      first = false;
      if (is_op("*") || is_op("**")) fail("unsupported: *args/**kwargs in a call");
      if (cur().type == TT::Name && peek().type == TT::Op && peek().text == "=") {
        std::string key = cur().text;
        next();
        next();
        n.kwargs.emplace_back(key, parse_expression());
      } else {
        if (!n.kwargs.empty()) fail("positional argument after keyword argument");
        n.kids.push_back(parse_expression());
      }
    }
    expect_op(")");
  }
  std::string parse_dotted_name() {
    std::string name = expect_name();
    while (is_op(".") && peek().type == TT::Name) {
      next();
      name += "." + cur().text;
      next();
    }
    return name;
  }
  NodeP parse_filter_expr(NodeP node) {
    while (true) {
      if (is_op("|")) {
        int line = cur().line;
        next();
        auto f = mk(NK::Filter, line);
        f->name = parse_dotted_name();
        f->kids.push_back(node);
        if (is_op("(")) parse_call_args(*f);
        node = sized(f);
      } else if (is_name("is")) {
        int line = cur().line;
        next();
        auto t = mk(NK::Test, line);
        if (is_name("not")) {
          t->negated = true;
          next();
        }
        t->name = parse_dotted_name();
        t->kids.push_back(node);
        if (is_op("(")) {
          parse_call_args(*t);
        } else if ((cur().type == TT::Name || cur().type == TT::String || cur().type == TT::Int ||
                    cur().type == TT::Float || is_op("(") || is_op("[") || is_op("{")) &&
                   !is_name("else") && !is_name("or") && !is_name("and")) {
          if (is_name("is")) fail("You cannot chain multiple tests with is");
          NodeP arg = parse_primary();
          arg = parse_postfix(arg);
          t->kids.push_back(arg);
        }
        node = sized(t);
      } else if (is_op("(")) {
        auto c = mk(NK::Call, cur().line);
        c->kids.push_back(node);
        parse_call_args(*c);
        node = sized(c);
      } else {
        return node;
      }
    }
  }

 private:
  std::vector<Tok> t_;
  size_t i_ = 0;
  int nest_ = 0;
};

}  // namespace

std::string py_unescape(std::string_view body) { return unescape(body); }

Result<std::shared_ptr<Body>> parse_body(std::string_view text, const std::string& name) {
  try {
    Lexer lx(text, false);
    Parser p(lx.run());
    auto body = std::make_shared<Body>();
    std::string ended;
    body->stmts = p.parse_stmts({}, &ended);
    return body;
  } catch (const ParseFail& f) {
    return Error("template syntax error: " + f.msg, Location{name, f.line, 0});
  } catch (const std::exception& e) {
    return Error(std::string("template syntax error: ") + e.what(), Location{name, 0, 0});
  }
}

Result<NodeP> parse_expr_only(std::string_view text, const std::string& name) {
  try {
    Lexer lx(text, true);
    Parser p(lx.run());
    NodeP n = p.parse_tuple_expression();
    if (p.cur().type != TT::Eof)
      return Error("template syntax error: unexpected " + p.describe(p.cur()) + " after expression",
                   Location{name, p.cur().line, 0});
    return n;
  } catch (const ParseFail& f) {
    return Error("template syntax error: " + f.msg, Location{name, f.line, 0});
  } catch (const std::exception& e) {
    return Error(std::string("template syntax error: ") + e.what(), Location{name, 0, 0});
  }
}

// Ansible's _escape_backslashes: inside {{ }}, string literal tokens get
// their backslashes doubled, so '\.' reaches Jinja as a backslash and a dot.
std::string ansible_escape_backslashes(std::string_view text) {
  if (text.find('\\') == std::string_view::npos || text.find("{{") == std::string_view::npos)
    return std::string(text);
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find("{{", pos);
    // skip comments/raw naively: Jinja's lexer would treat {# #} and {% raw %} first
    size_t ocom = text.find("{#", pos);
    size_t oraw = text.find("{%", pos);
    size_t first = std::min({open, ocom, oraw});
    if (first == std::string_view::npos) {
      out.append(text.substr(pos));
      break;
    }
    if (first != open) {
      const char* close = first == ocom ? "#}" : "%}";
      size_t e = text.find(close, first + 2);
      // strings inside blocks are not touched; raw blocks are copied verbatim
      if (first == oraw) {
        size_t q = first + 2;
        while (q < text.size() && (text[q] == '-' || text[q] == '+' ||
                                   std::isspace(static_cast<unsigned char>(text[q]))))
          ++q;
        if (text.compare(q, 3, "raw") == 0) {
          size_t er = text.find("endraw", q + 3);
          if (er != std::string_view::npos) e = text.find("%}", er);
        }
      }
      size_t stop = e == std::string_view::npos ? text.size() : e + 2;
      out.append(text.substr(pos, stop - pos));
      pos = stop;
      continue;
    }
    out.append(text.substr(pos, open + 2 - pos));
    size_t p = open + 2;
    int depth = 0;
    while (p < text.size()) {
      char c = text[p];
      if (depth == 0 && text.compare(p, 2, "}}") == 0) break;
      if (c == '\'' || c == '"') {
        size_t q = p + 1;
        while (q < text.size() && text[q] != c) {
          if (text[q] == '\\') ++q;
          ++q;
        }
        if (q >= text.size()) {  // unterminated: leave as is
          out.append(text.substr(p));
          return out;
        }
        for (size_t k = p; k <= q; ++k) {
          if (text[k] == '\\') out += "\\\\";
          else out += text[k];
        }
        p = q + 1;
        continue;
      }
      if (c == '{' || c == '[' || c == '(') ++depth;
      if ((c == '}' || c == ']' || c == ')') && depth > 0) --depth;
      out += c;
      ++p;
    }
    pos = p;
  }
  return out;
}

}  // namespace ksm::jinja
