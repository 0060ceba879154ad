// The short form of a source (see source_text.h).
#include "report/source_text.h"

#include <regex>

namespace ksm::report {

namespace {

// Where the first reference ends: " (" or "; " or ", " outside parentheses.
size_t head_end(std::string_view s) {
  int depth = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (depth == 0 && i + 1 < s.size() && s[i + 1] == ' ' && (c == ';' || c == ',')) return i;
    if (depth == 0 && c == ' ' && i + 1 < s.size() && s[i + 1] == '(') return i;
  }
  return s.size();
}

// A public reference: a PR or issue, a URL, a page of Kubespray's docs.
std::string public_reference(const std::string& s) {
  static const std::regex kinds[] = {
      std::regex(R"([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+#[0-9]+)"),
      std::regex(R"(https?://[^\s;,)]+)"),
      std::regex(R"(\bdocs/[A-Za-z0-9_./-]+\.md\b)"),
  };
  for (const auto& re : kinds) {
    std::smatch m;
    if (std::regex_search(s, m, re)) return m.str();
  }
  return "";
}

// A Kubespray file:line and the tag written after it ("roles/x.yml:37 (v2.18.2").
std::string file_reference(const std::string& s) {
  static const std::regex file(
      R"(([A-Za-z0-9_.-]+/[A-Za-z0-9_./-]*\.(?:ya?ml|j2|py|cfg|txt|md)(?::[0-9]+(?:-[0-9]+)?)?)(?: \((v[0-9]+\.[0-9]+\.[0-9]+))?)");
  std::smatch m;
  if (!std::regex_search(s, m, file)) return "";
  return m[2].matched ? m[1].str() + " @ " + m[2].str() : m[1].str();
}

}  // namespace

std::string short_source(std::string_view source) {
  size_t end = head_end(source);
  std::string head(source.substr(0, end));
  // "schemas/v2.22.0.yml:29:5" -> "schemas/v2.22.0.yml:29": the line is enough.
  static const std::regex column(R"(^(\S+\.ya?ml:[0-9]+):[0-9]+$)");
  head = std::regex_replace(head, column, "$1");
  if (end == source.size()) return head;
  std::string rest(source.substr(end));
  if (!public_reference(head).empty()) return head;
  std::string ref = public_reference(rest);
  if (ref.empty()) ref = file_reference(rest);
  return ref.empty() ? head : head + ", " + ref;
}

}  // namespace ksm::report
