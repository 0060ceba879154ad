// Completion candidates from the CLI::App (see complete.h).
#include "cli/complete.h"

#include <algorithm>
#include <cstdlib>
#include <set>

#include "cli/app.h"
#include "core/paths.h"
#include "schema/facts.h"

namespace ksm::cli {

namespace {

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The first line of a description, short enough for a completion menu.
std::string short_description(const std::string& d) {
  std::string s = d.substr(0, d.find('\n'));
  if (s.size() > 72) s = s.substr(0, 69) + "...";
  return s;
}

bool hidden(const CLI::Option* o) { return o->get_group().empty(); }
bool takes_value(const CLI::Option* o) { return o->get_items_expected_max() > 0; }
bool positional_only(const CLI::Option* o) { return !o->nonpositional(); }

// The choices of a CLI::IsMember check: its description "{text,json}" is
// part of the type name "TEXT:{text,json}".
std::vector<std::string> choices(const CLI::Option* o) {
  std::string t = o->get_type_name();
  auto open = t.find('{'), close = t.rfind('}');
  if (open == std::string::npos || close == std::string::npos || close < open) return {};
  std::vector<std::string> out;
  std::string cur;
  for (char c : t.substr(open + 1, close - open - 1)) {
    if (c == ',') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else if (c != ' ') {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

// Options and arguments whose value is a release tag, by their names.
bool names_a_tag(const CLI::Option* o) {
  static const std::set<std::string> kTagNames{"from", "to", "tag", "for", "tags"};
  for (const auto& l : o->get_lnames())
    if (kTagNames.count(l)) return true;
  return positional_only(o) && kTagNames.count(lower(o->get_name()));
}

struct Parsed {
  const CLI::App* cmd = nullptr;
  const CLI::Option* pending = nullptr;  // the option the current word is the value of
  std::set<const CLI::Option*> given;
  std::size_t positionals = 0;  // arguments typed so far (not option values)
  std::string clone;
  bool offline = false;
};

Parsed parse_words(const CLI::App& app, const std::vector<std::string>& words) {
  Parsed p;
  p.cmd = &app;
  bool only_positionals = false;
  for (std::size_t i = 0; i + 1 < words.size(); ++i) {
    const std::string& w = words[i];
    if (p.pending) {
      if (p.pending->check_name("--kubespray")) p.clone = w;
      p.pending = nullptr;
      continue;
    }
    if (!only_positionals && w == "--") {
      only_positionals = true;
      continue;
    }
    if (!only_positionals && w.size() > 1 && w[0] == '-') {
      auto eq = w.find('=');
      std::string name = w.substr(0, eq);
      const CLI::Option* o = p.cmd->get_option_no_throw(name);
      if (!o) continue;
      p.given.insert(o);
      if (o->check_name("--offline")) p.offline = true;
      if (eq != std::string::npos) {
        if (o->check_name("--kubespray")) p.clone = w.substr(eq + 1);
      } else if (takes_value(o)) {
        p.pending = o;
      }
      continue;
    }
    if (p.cmd == &app) {
      for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
        if (sub->check_name(w)) p.cmd = sub;
      continue;
    }
    ++p.positionals;
  }
  return p;
}

void add_matching(Completion& c, const std::vector<std::string>& words, const std::string& cur,
                  const std::string& prefix = "") {
  for (const auto& w : words)
    if (starts_with(prefix + w, cur)) c.candidates.emplace_back(prefix + w, "");
}

Completion value_of(const CLI::App& app, const Parsed& p, const CLI::Option* o,
                    const std::string& cur, std::string prefix, const TagLister& tags) {
  Completion c;
  if (auto ch = choices(o); !ch.empty()) {
    add_matching(c, ch, cur, prefix);
  } else if (names_a_tag(o)) {
    std::string clone = p.clone;
    if (clone.empty() && p.cmd != &app && reads_kubespray_dir(*p.cmd))
      if (const char* e = std::getenv("KUBESPRAY_DIR"); e && *e) clone = e;
    if (p.offline) clone.clear();
    // A comma-separated list (catalog --tags): complete its last item.
    if (o->check_name("--tags")) {
      if (auto comma = cur.rfind(','); comma != std::string::npos)
        prefix = cur.substr(0, comma + 1);
    }
    add_matching(c, tags(clone), cur, prefix);
  } else {
    c.files = true;
  }
  return c;
}

void add_options(Completion& c, const Parsed& p, const std::string& cur) {
  for (const CLI::Option* o : p.cmd->get_options()) {
    if (hidden(o) || positional_only(o)) continue;
    // Given already and not repeatable: not offered again.
    if (p.given.count(o) && o->get_expected_max() <= 1 &&
        o->get_multi_option_policy() != CLI::MultiOptionPolicy::TakeAll)
      continue;
    std::string desc = short_description(o->get_description());
    for (const auto& l : o->get_lnames())
      if (starts_with("--" + l, cur)) c.candidates.emplace_back("--" + l, desc);
    for (const auto& s : o->get_snames())
      if (starts_with("-" + s, cur)) c.candidates.emplace_back("-" + s, desc);
  }
}

}  // namespace

std::vector<std::string> known_tags(const std::string& clone) {
  auto facts = clone.empty() ? schema::ReleaseFacts::from_versions(versions_dir())
                             : schema::ReleaseFacts::from_clone(clone);
  if (!facts) return {};
  std::vector<std::string> out;
  for (const auto& t : facts->tags()) out.push_back(t.name);
  return out;
}

Completion complete(const CLI::App& app, const std::vector<std::string>& words,
                    const TagLister& tags) {
  std::vector<std::string> w = words.empty() ? std::vector<std::string>{""} : words;
  const std::string& cur = w.back();
  Parsed p = parse_words(app, w);
  if (p.pending) return value_of(app, p, p.pending, cur, "", tags);

  Completion c;
  if (starts_with(cur, "--") && cur.find('=') != std::string::npos) {
    std::string name = cur.substr(0, cur.find('='));
    const CLI::Option* o = p.cmd->get_option_no_throw(name);
    if (o && takes_value(o)) return value_of(app, p, o, cur, name + "=", tags);
    return c;
  }
  if (starts_with(cur, "-")) {
    add_options(c, p, cur);
    return c;
  }
  if (p.cmd == &app) {
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
      if (sub->get_group().empty() || !starts_with(sub->get_name(), cur)) continue;
      c.candidates.emplace_back(sub->get_name(), short_description(sub->get_description()));
    }
    return c;
  }
  // An argument: the positional it fills (a list takes every one after it).
  std::vector<const CLI::Option*> pos;
  for (const CLI::Option* o : p.cmd->get_options())
    if (!hidden(o) && positional_only(o)) pos.push_back(o);
  const CLI::Option* slot = nullptr;
  std::size_t seen = 0;
  for (const CLI::Option* o : pos) {
    int n = o->get_items_expected_max();
    if (p.positionals < seen + static_cast<std::size_t>(n) ||
        n >= CLI::detail::expected_max_vector_size) {
      slot = o;
      break;
    }
    seen += static_cast<std::size_t>(n);
  }
  if (slot) {
    if (names_a_tag(slot) || !choices(slot).empty()) return value_of(app, p, slot, cur, "", tags);
    return c;  // a free word (an expression, a variable name): nothing to offer
  }
  if (cur.empty()) add_options(c, p, cur);
  return c;
}

std::string completion_text(const Completion& c) {
  std::string out = c.files ? ":files\n" : "";
  for (const auto& [word, desc] : c.candidates) out += word + "\t" + desc + "\n";
  return out;
}

}  // namespace ksm::cli
