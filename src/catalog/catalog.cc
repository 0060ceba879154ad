// Generating versions/<tag>.json (see catalog.h and docs/DEVELOPING.md).
#include "catalog/catalog.h"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <optional>
#include <set>
#include <system_error>

#include "core/fs.h"
#include "core/json.h"
#include "core/text.h"
#include "jinja/jinja.h"
#include "sources/knowledge.h"
#include "sources/version.h"
#include "vars/resolver.h"

namespace ksm::catalog {

namespace {

// The architecture the catalog reports (the checksum tables, whose keys per
// architecture are the versions a tag installs, are kubespray().checksum_tables()).
constexpr const char* kArch = "amd64";

bool is_ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

const std::set<std::string, std::less<>>& jinja_reserved() {
  static const std::set<std::string, std::less<>> s = {
      "and", "or", "not", "in", "is", "if", "else", "elif", "endif", "for", "endfor", "set",
      "endset", "true", "false", "none", "True", "False", "None", "recursive", "with", "endwith",
      "macro", "endmacro", "call", "endcall", "filter", "endfilter", "block", "endblock", "raw",
      "endraw", "import", "include", "from", "as", "do", "continue", "break",
      // globals and functions, not variables
      "range", "lookup", "query", "q", "dict", "lipsum", "cycler", "joiner", "namespace", "loop",
      "super", "caller", "varargs", "kwargs", "omit", "undef", "now"};
  return s;
}

// Scans one {{ }} / {% %} body.
void scan_jinja_code(std::string_view code, bool statement, std::set<std::string>& names,
                     std::set<std::string>& bound) {
  struct Tok {
    std::string text;
    bool ident;
  };
  std::vector<Tok> toks;
  for (size_t i = 0; i < code.size();) {
    char c = code[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '\'' || c == '"') {
      size_t j = i + 1;
      while (j < code.size() && code[j] != c) j += code[j] == '\\' ? 2 : 1;
      toks.push_back({"\"", false});
      i = j + 1;
    } else if (is_ident_start(c)) {
      size_t j = i;
      while (j < code.size() && is_ident_char(code[j])) ++j;
      toks.push_back({std::string(code.substr(i, j - i)), true});
      i = j;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      size_t j = i;
      while (j < code.size() && (is_ident_char(code[j]) || code[j] == '.')) ++j;
      toks.push_back({"0", false});
      i = j;
    } else if ((c == '=' || c == '!' || c == '<' || c == '>') && i + 1 < code.size() &&
               code[i + 1] == '=') {
      toks.push_back({std::string(code.substr(i, 2)), false});
      i += 2;
    } else {
      toks.push_back({std::string(1, c), false});
      ++i;
    }
  }
  // Loop and set targets are bound, not read.
  if (statement && !toks.empty() && toks[0].ident) {
    if (toks[0].text == "for") {
      for (size_t k = 1; k < toks.size() && toks[k].text != "in"; ++k)
        if (toks[k].ident) bound.insert(toks[k].text);
    } else if (toks[0].text == "set") {
      for (size_t k = 1; k < toks.size() && toks[k].text != "="; ++k)
        if (toks[k].ident) bound.insert(toks[k].text);
    }
  }
  for (size_t k = 0; k < toks.size(); ++k) {
    if (!toks[k].ident) continue;
    const std::string& t = toks[k].text;
    if (jinja_reserved().count(t)) continue;
    if (k > 0 && (toks[k - 1].text == "." || toks[k - 1].text == "|"))
      continue;  // attribute, filter
    if (k > 0 && toks[k - 1].text == "is") continue;                                // test
    if (k > 1 && toks[k - 1].text == "not" && toks[k - 2].text == "is") continue;
    if (k + 1 < toks.size() && toks[k + 1].text == "=") continue;  // keyword argument / set target
    if (statement && k > 0 && toks[0].text == "for") {
      bool before_in = true;
      for (size_t m = 1; m < k; ++m)
        if (toks[m].text == "in") before_in = false;
      if (before_in) continue;
    }
    names.insert(t);
  }
}

void collect_template_strings(const Value& v, std::vector<std::string>& out) {
  if (v.is_string()) {
    const auto& s = v.as_string();
    if (s.find("{{") != std::string::npos || s.find("{%") != std::string::npos ||
        s.find("{#") != std::string::npos)
      out.push_back(s);
  } else if (v.is_list()) {
    for (const auto& e : v.as_list()) collect_template_strings(e, out);
  } else if (v.is_map()) {
    for (const auto& [k, e] : v.as_map()) {
      collect_template_strings(Value(k), out);
      collect_template_strings(e, out);
    }
  }
}

// A default evaluated as far as the defaults alone allow.
struct Evaluated {
  bool is_template = false;
  bool known = true;
  Value value;
  std::vector<std::string> depends;
};

// Evaluates variable values against the tag's defaults alone with the
// resolver of src/vars (vars::Resolver::defaults_only: role defaults and
// vars/main in the global view, no inventory, no host, no facts), which
// templates each name the first time it is read, as Ansible does. A
// template is known when it evaluates with nothing Unknown or undefined in
// it (facts, lookups, groups/hostvars, names only an inventory or a task
// sets, names two roles define differently); else only the names it reads
// are recorded.
class Evaluator {
 public:
  explicit Evaluator(vars::HostView& view) : view_(view) {}

  Evaluated evaluate(const Value& raw) {
    Evaluated e;
    std::vector<std::string> templates;
    collect_template_strings(raw, templates);
    if (templates.empty()) {
      e.value = raw;
      return e;
    }
    e.is_template = true;
    std::set<std::string> names;
    for (const auto& t : templates) {
      auto parsed = jinja::parse_template(t);
      for (auto& n : parsed ? jinja::free_names(*parsed) : template_names(t)) names.insert(n);
    }
    e.depends.assign(names.begin(), names.end());
    Value v = jinja::template_value(raw, view_);
    e.known = vars::fully_known(v) && !holds_template(v);
    if (e.known) e.value = std::move(v);
    return e;
  }

 private:
  vars::HostView& view_;
};

Value list_of(const std::vector<std::string>& v) {
  List l;
  for (const auto& s : v) l.push_back(Value(s));
  return Value(std::move(l));
}

// A release digest: "sha256:<64 hex>", or 40/64/128 hex digits.
bool is_digest(const Value& v) {
  if (!v.is_string()) return false;
  std::string_view s = v.as_string();
  if (auto colon = s.find(':'); colon != std::string_view::npos && colon <= 6)
    s.remove_prefix(colon + 1);
  if (s.size() != 40 && s.size() != 64 && s.size() != 128) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}
bool is_no_digest(const Value& v) { return (v.is_int() && v.as_int() == 0) || v.is_null(); }

// A checksum table: a non-empty map whose leaves are all digests (or 0 for
// "no binary"), at least one a digest.
bool digest_table(const Value& v, bool& any) {
  if (!v.is_map() || v.as_map().empty()) return false;
  for (const auto& [k, e] : v.as_map()) {
    if (is_digest(e)) {
      any = true;
    } else if (!is_no_digest(e) && !digest_table(e, any)) {
      return false;
    }
  }
  return true;
}

// The table with each innermost map replaced by its keys that have a digest, in version order.
Value digest_keys(const Value& v) {
  bool leaf = std::all_of(v.as_map().begin(), v.as_map().end(), [](const auto& e) {
    return is_digest(e.second) || is_no_digest(e.second);
  });
  if (leaf) {
    std::vector<std::string> keys;
    for (const auto& [k, e] : v.as_map())
      if (is_digest(e)) keys.push_back(k);
    std::sort(keys.begin(), keys.end(),
              [](const std::string& a, const std::string& b) { return version_less(a, b); });
    return list_of(keys);
  }
  Map m;
  for (const auto& [k, e] : v.as_map()) m.set(k, e.is_map() ? digest_keys(e) : Value(List{}));
  return Value(std::move(m));
}

void put_evaluated(Map& m, const Evaluated& e) {
  m.set("template", Value(e.is_template));
  m.set("known", Value(e.known));
  bool any = false;
  if (e.known && digest_table(e.value, any) && any) {
    // Checksums are not facts this tool uses: keep which versions have one.
    m.set("checksums", digest_keys(e.value));
  } else if (e.known) {
    m.set("value", e.value);
  }
  if (e.is_template) m.set("depends", list_of(e.depends));
}

Value definition_entry(const Definition& d, Evaluator& ev) {
  Map m;
  m.set("file", Value(d.file));
  m.set("line", Value(d.line));
  m.set("role", Value(d.role));
  m.set("layer", Value(layer_name(d.layer)));
  if (!d.auto_loaded) m.set("include_vars", Value(true));
  put_evaluated(m, ev.evaluate(d.raw));
  return Value(std::move(m));
}

// The Ansible line of requirements.txt ("ansible==9.13.0"), or a note why none.
void put_ansible_requirement(Map& facts, const KubesprayTree& tree) {
  const auto& req = tree.requirements_txt();
  if (!req) {
    facts.set("ansible_requirement", Value());
    facts.set("ansible_requirement_note", Value("no requirements.txt"));
    return;
  }
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < req->size()) {
    size_t nl = req->find('\n', start);
    if (nl == std::string::npos) nl = req->size();
    std::string l = trim(std::string_view(*req).substr(start, nl - start));
    if (auto hash = l.find(" #"); hash != std::string::npos) l = trim(l.substr(0, hash));
    if (!l.empty() && l[0] != '#') lines.push_back(l);
    start = nl + 1;
  }
  auto package = [](const std::string& l) {
    size_t e = 0;
    while (e < l.size() && (is_ident_char(l[e]) || l[e] == '-' || l[e] == '.')) ++e;
    std::string p = l.substr(0, e);
    std::transform(p.begin(), p.end(), p.begin(), [](unsigned char c) { return std::tolower(c); });
    return p;
  };
  for (const char* want : {"ansible", "ansible-core", "ansible-base"})
    for (const auto& l : lines)
      if (package(l) == want) {
        facts.set("ansible_requirement", Value(l));
        return;
      }
  facts.set("ansible_requirement", Value());
  if (lines.size() == 1 && lines[0].ends_with(".txt"))
    facts.set("ansible_requirement_note", Value("requirements.txt refers to " + lines[0] +
                                                ", which this source does not hold"));
  else
    facts.set("ansible_requirement_note", Value("requirements.txt names no ansible package"));
}

}  // namespace

bool holds_template(const Value& v) {
  std::vector<std::string> t;
  collect_template_strings(v, t);
  return !t.empty();
}

std::vector<std::string> template_names(std::string_view text) {
  std::set<std::string> names, bound;
  size_t i = 0;
  while (i < text.size()) {
    size_t open = text.find('{', i);
    if (open == std::string_view::npos || open + 1 >= text.size()) break;
    char k = text[open + 1];
    if (k != '{' && k != '%' && k != '#') {
      i = open + 1;
      continue;
    }
    std::string_view close = k == '{' ? "}}" : (k == '%' ? "%}" : "#}");
    size_t end = text.find(close, open + 2);
    if (end == std::string_view::npos) end = text.size();
    if (k != '#') {
      std::string_view code = text.substr(open + 2, end - open - 2);
      if (!code.empty() && (code.front() == '-' || code.front() == '+')) code.remove_prefix(1);
      if (!code.empty() && (code.back() == '-' || code.back() == '+')) code.remove_suffix(1);
      scan_jinja_code(code, k == '%', names, bound);
    }
    i = end + 2;
  }
  std::vector<std::string> out;
  for (const auto& n : names)
    if (!bound.count(n)) out.push_back(n);
  return out;
}

std::map<std::string, std::vector<Definition>> collect_definitions(const KubesprayTree& tree) {
  std::map<std::string, std::vector<Definition>> out;
  for (const auto& role : tree.roles()) {
    int index = 0;
    for (const auto& rf : role.files) {
      for (const auto& v : rf.file.vars)
        out[v.name].push_back(Definition{v.name, role.name, rf.file.path, v.line, rf.layer,
                                         rf.auto_loaded, index, v.value});
      ++index;
    }
  }
  auto is_kd = [](const std::string& r) { return kubespray().is_defaults_role(r); };
  for (auto& [name, defs] : out) {
    std::stable_sort(defs.begin(), defs.end(), [&](const Definition& a, const Definition& b) {
      if (a.auto_loaded != b.auto_loaded) return a.auto_loaded;
      if (is_kd(a.role) != is_kd(b.role)) return is_kd(a.role);
      if (a.role != b.role) return a.role < b.role;
      if (a.layer != b.layer) return a.layer == Layer::Vars;
      if (a.file_index != b.file_index) return a.file_index > b.file_index;
      return a.line < b.line;
    });
  }
  return out;
}

namespace {

using Definitions = std::map<std::string, std::vector<Definition>>;

// Installable Kubernetes versions: the checksum keys of kArch, in every table
// present. `prefix` becomes "v" or "none" from the first key, if still empty.
std::vector<std::string> installable_versions(const Definitions& defs, std::string& prefix) {
  std::vector<std::string> installable;
  bool first_table = true;
  for (const auto& table : kubespray().checksum_tables()) {
    auto it = defs.find(table);
    if (it == defs.end()) continue;
    const Value* arch = it->second.front().raw.get(kArch);
    if (!arch || !arch->is_map()) continue;
    std::vector<std::string> keys;
    for (const auto& [k, sum] : arch->as_map()) {
      if (sum.is_null() || (sum.is_int() && sum.as_int() == 0) ||
          (sum.is_string() && sum.as_string().empty()))
        continue;  // no binary for this version on this architecture
      if (!Version::parse(k)) continue;
      if (prefix.empty()) prefix = k[0] == 'v' ? "v" : "none";
      keys.push_back(with_v_prefix(k));
    }
    std::sort(keys.begin(), keys.end());
    if (first_table) {
      installable = keys;
      first_table = false;
    } else {
      std::vector<std::string> both;
      std::set_intersection(installable.begin(), installable.end(), keys.begin(), keys.end(),
                            std::back_inserter(both));
      installable = both;
    }
  }
  std::sort(installable.begin(), installable.end(),
            [](const std::string& a, const std::string& b) { return version_less(a, b); });
  return installable;
}

// The default kube_version (null when not known); sets `prefix` if still empty.
Value default_kube_version(const Definitions& defs, Evaluator& ev, std::string& prefix) {
  Value kube_version;
  if (auto it = defs.find("kube_version"); it != defs.end()) {
    Evaluated e = ev.evaluate(it->second.front().raw);
    if (e.known && e.value.is_string()) {
      kube_version = Value(with_v_prefix(e.value.as_string()));
      if (prefix.empty()) prefix = e.value.as_string().starts_with("v") ? "v" : "none";
    }
  }
  return kube_version;
}

// Checksum keys below the tag's kube_version_min_required cannot be
// installed (kubernetes/preinstall asserts the minimum).
void drop_below_minimum(const Definitions& defs, Evaluator& ev,
                        std::vector<std::string>& installable) {
  if (auto it = defs.find("kube_version_min_required"); it != defs.end()) {
    Evaluated e = ev.evaluate(it->second.front().raw);
    if (e.known && e.value.is_string() && Version::parse(e.value.as_string())) {
      std::string min = with_v_prefix(e.value.as_string());
      std::erase_if(installable, [&](const std::string& k) { return version_less(k, min); });
    }
  }
}

// One line of the sample that sets (or comments out) a variable.
Map sample_entry(const SampleVar& v, Evaluator& ev) {
  auto rel = [](const std::string& p) {
    const std::string root = kubespray().sample_inventory() + "/";
    return p.starts_with(root) ? p.substr(root.size()) : p;
  };
  Map m;
  m.set("file", Value(rel(v.file)));
  m.set("line", Value(v.line));
  m.set("commented", Value(v.commented));
  if (!v.parsed) {
    // Not valid YAML once uncommented: keep the text unless it is a template.
    m.set("parsed", Value(false));
    if (holds_template(v.value)) {
      m.set("template", Value(true));
      m.set("known", Value(false));
      m.set("depends", list_of(template_names(v.value.as_string())));
    } else {
      m.set("template", Value(false));
      m.set("known", Value(true));
      m.set("value", v.value);
    }
  } else {
    put_evaluated(m, ev.evaluate(v.value));
  }
  return m;
}

// The sample inventory: its files, hosts file, groups and variables.
Value sample_facts(const KubesprayTree& tree, Evaluator& ev) {
  const Sample& s = tree.sample();
  Map sample;
  sample.set("files", list_of(s.files));
  sample.set("hosts_file", s.hosts_file.empty() ? Value() : Value(s.hosts_file));
  sample.set("groups", list_of(s.groups));
  std::map<std::string, std::vector<SampleVar>> svars;
  for (const auto& f : s.var_files)
    for (auto& v : scan_sample_variables(f)) svars[v.name].push_back(std::move(v));
  Map variables;
  for (auto& [name, occ] : svars) {
    // The variable's entry: the first line that sets it, else the first commented one.
    auto win =
        std::find_if(occ.begin(), occ.end(), [](const SampleVar& v) { return !v.commented; });
    if (win == occ.end()) win = occ.begin();
    Map m = sample_entry(*win, ev);
    List also;
    for (auto it = occ.begin(); it != occ.end(); ++it)
      if (it != win) also.push_back(Value(sample_entry(*it, ev)));
    if (!also.empty()) m.set("also", Value(std::move(also)));
    variables.set(name, Value(std::move(m)));
  }
  sample.set("variables", Value(std::move(variables)));
  return Value(std::move(sample));
}

// A default's entry: its winning definition, the others under "also".
Value default_entry_of(const std::vector<Definition>& list, Evaluator& ev) {
  Value entry = definition_entry(list.front(), ev);
  if (list.size() > 1) {
    List also;
    for (size_t i = 1; i < list.size(); ++i) also.push_back(definition_entry(list[i], ev));
    entry.map_mut().set("also", Value(std::move(also)));
  }
  return entry;
}

// Role defaults: the global view.
Value defaults_facts(const Definitions& defs, Evaluator& ev) {
  Map defaults;
  for (const auto& [name, list] : defs) defaults.set(name, default_entry_of(list, ev));
  return Value(std::move(defaults));
}

// The tree's definitions and the evaluator over its global view, kept
// together: the evaluator's resolver reads the tree.
struct TreeEvaluation {
  std::shared_ptr<const KubesprayTree> tree;
  Definitions defs;
  std::unique_ptr<vars::Resolver> resolver;
  std::optional<Evaluator> ev;
};

Status start_evaluation(TreeEvaluation& t, std::shared_ptr<const vars::TreeLayers> layers) {
  t.defs = collect_definitions(*t.tree);
  if (!layers) {
    auto built = vars::TreeLayers::build(*t.tree);
    if (!built) return built.error();
    layers = std::move(*built);
  }
  t.resolver = vars::Resolver::create_with(*t.tree, nullptr, std::move(layers));
  t.ev.emplace(t.resolver->defaults_only());
  return {};
}

// Every fact but the role defaults, in the order tag_facts evaluates them.
Map facts_but_defaults(const KubesprayTree& tree, const TagInfo& info, const Definitions& defs,
                       Evaluator& ev) {
  Map facts;
  facts.set("tag", Value(info.tag));
  facts.set("date", Value(info.date));
  facts.set("commit", Value(info.commit));

  std::string prefix;
  std::vector<std::string> installable = installable_versions(defs, prefix);
  Value kube_version = default_kube_version(defs, ev, prefix);
  drop_below_minimum(defs, ev, installable);
  facts.set("kube_version", kube_version);
  facts.set("kube_versions", list_of(installable));
  facts.set("kube_versions_arch", Value(kArch));
  // How this tag writes Kubernetes versions: "v" (v1.22.5) or "" (1.32.5, from v2.28).
  facts.set("kube_version_prefix", Value(prefix == "none" ? "" : prefix));
  put_ansible_requirement(facts, tree);
  facts.set("sample", sample_facts(tree, ev));
  return facts;
}

// The defaults of a tree, each evaluated on first use with the evaluator
// that computed the other facts (so in the same view, with what it
// resolved already).
class LazyDefaults final : public DefaultsSource {
 public:
  explicit LazyDefaults(TreeEvaluation t) : t_(std::move(t)) {}

  const Value* entry(std::string_view name) override {
    std::lock_guard lock(mu_);
    auto def = t_.defs.find(std::string(name));
    if (def == t_.defs.end()) return nullptr;
    if (all_) return all_->get(name);
    auto [it, fresh] = done_.try_emplace(def->first);
    if (fresh) it->second = default_entry_of(def->second, *t_.ev);
    return &it->second;
  }
  bool has(std::string_view name) const override { return t_.defs.count(std::string(name)) > 0; }
  std::vector<std::string> names() const override {
    std::vector<std::string> out;
    for (const auto& [name, list] : t_.defs) out.push_back(name);
    return out;
  }
  const Value& all() override {
    std::lock_guard lock(mu_);
    if (!all_) {
      Map m;
      for (const auto& [name, list] : t_.defs) {
        auto it = done_.find(name);
        m.set(name, it != done_.end() ? it->second : default_entry_of(list, *t_.ev));
      }
      all_ = Value(std::move(m));
    }
    return *all_;
  }

 private:
  TreeEvaluation t_;  // (its definitions are only read: `has` and `names` need no lock)
  std::mutex mu_;
  std::map<std::string, Value> done_;  // entries handed out (their addresses stay)
  std::optional<Value> all_;
};

}  // namespace

Result<Value> tag_facts(const KubesprayTree& tree, const TagInfo& info,
                        std::shared_ptr<const vars::TreeLayers> layers) {
  TreeEvaluation t;
  // (not owned: the tree outlives this call)
  t.tree = std::shared_ptr<const KubesprayTree>(&tree, [](const KubesprayTree*) {});
  if (auto s = start_evaluation(t, std::move(layers)); !s) return s.error();
  Map facts = facts_but_defaults(tree, info, t.defs, *t.ev);
  facts.set("defaults", defaults_facts(t.defs, *t.ev));
  return Value(std::move(facts));
}

Result<LazyTagFacts> tag_facts_lazy(std::shared_ptr<const KubesprayTree> tree, const TagInfo& info,
                                    std::shared_ptr<const vars::TreeLayers> layers) {
  TreeEvaluation t;
  t.tree = std::move(tree);
  if (auto s = start_evaluation(t, std::move(layers)); !s) return s.error();
  Map facts = facts_but_defaults(*t.tree, info, t.defs, *t.ev);
  return LazyTagFacts{Value(std::move(facts)), std::make_shared<LazyDefaults>(std::move(t))};
}

// One line per top-level key, and one line per entry of "defaults" and of
// the sample's "variables": compact files whose diffs between tags read
// variable by variable.
std::string facts_json(const Value& v) {
  if (!v.is_map()) return to_json(v, JsonStyle{true, 0}) + "\n";
  JsonStyle compact{true, 0};
  auto entries_by_line = [&](const Value& m, const std::string& indent) {
    std::vector<std::pair<std::string, const Value*>> items;
    for (const auto& [k, e] : m.as_map()) items.emplace_back(k, &e);
    std::sort(items.begin(), items.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string out = "{";
    for (size_t i = 0; i < items.size(); ++i) {
      out += (i ? ",\n" : "\n") + indent + "  " + json_quote(items[i].first) + ": " +
             to_json(*items[i].second, compact);
    }
    out += items.empty() ? "}" : "\n" + indent + "}";
    return out;
  };
  std::vector<std::pair<std::string, const Value*>> top;
  for (const auto& [k, e] : v.as_map()) top.emplace_back(k, &e);
  std::sort(top.begin(), top.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out = "{";
  for (size_t i = 0; i < top.size(); ++i) {
    const auto& [k, e] = top[i];
    out += (i ? ",\n" : "\n") + std::string(" ") + json_quote(k) + ": ";
    if (k == "defaults" && e->is_map()) {
      out += entries_by_line(*e, "");
    } else if (k == "sample" && e->is_map()) {
      std::vector<std::pair<std::string, const Value*>> sub;
      for (const auto& [sk, se] : e->as_map()) sub.emplace_back(sk, &se);
      std::sort(sub.begin(), sub.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      out += "{";
      for (size_t j = 0; j < sub.size(); ++j) {
        out += (j ? ",\n" : "\n") + std::string("  ") + json_quote(sub[j].first) + ": ";
        out += sub[j].first == "variables" && sub[j].second->is_map()
                   ? entries_by_line(*sub[j].second, "  ")
                   : to_json(*sub[j].second, compact);
      }
      out += sub.empty() ? "}" : "\n }";
    } else if (k == "tags" && e->is_list()) {
      out += "[";
      const auto& l = e->as_list();
      for (size_t j = 0; j < l.size(); ++j) out += (j ? ",\n  " : "\n  ") + to_json(l[j], compact);
      out += l.empty() ? "]" : "\n ]";
    } else {
      out += to_json(*e, compact);
    }
  }
  out += top.empty() ? "}\n" : "\n}\n";
  return out;
}

Result<Value> build_index(const std::filesystem::path& out_dir) {
  std::error_code ec;
  std::vector<std::pair<Version, std::filesystem::path>> files;
  for (std::filesystem::directory_iterator it(out_dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    auto name = it->path().filename().string();
    if (!name.ends_with(".json")) continue;
    auto v = Version::parse_release(name.substr(0, name.size() - 5));
    if (v && name[0] == 'v') files.emplace_back(*v, it->path());
  }
  if (ec) return Error("listing " + out_dir.string() + ": " + ec.message());
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  List tags;
  for (const auto& [v, path] : files) {
    auto text = read_file(path);
    if (!text) return text.error();
    auto facts = parse_json(*text, path.string());
    if (!facts) return facts.error();
    Map e;
    for (const char* k : {"tag", "date", "commit", "kube_version", "kube_version_prefix"}) {
      const Value* x = facts->get(k);
      e.set(k, x ? *x : Value());
    }
    tags.push_back(Value(std::move(e)));
  }
  return Value(Map{{"tags", Value(std::move(tags))}});
}

Result<CatalogStats> write_catalog(const GitRepo& repo, const std::filesystem::path& out_dir,
                                   const std::vector<std::string>& tags) {
  std::vector<std::string> todo = tags;
  if (todo.empty()) {
    auto all = repo.tags();
    if (!all) return all.error();
    for (const auto& t : *all) todo.push_back(t.name);
  }
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) return Error("creating " + out_dir.string() + ": " + ec.message());
  CatalogStats stats;
  for (const auto& tag : todo) {
    if (!Version::parse_release(tag) || tag[0] != 'v')
      return Error("'" + tag + "' is not a release tag (vX.Y.Z)");
    auto rev = repo.resolve(tag);
    if (!rev) return rev.error();
    auto src = repo.at(rev->commit_id);
    if (!src) return src.error();
    auto tree = KubesprayTree::load(**src);
    if (!tree) return tree.error().context(tag);
    auto facts = tag_facts(*tree, TagInfo{tag, rev->commit_id, rev->date});
    if (!facts) return facts.error().context(tag);
    std::string text = facts_json(*facts);
    std::string name = tag + ".json";
    if (auto st = write_file_atomic(out_dir / name, text); !st) return st.error();
    stats.written.push_back(name);
    stats.bytes += text.size();
  }
  auto index = build_index(out_dir);
  if (!index) return index.error();
  std::string text = facts_json(*index);
  if (auto st = write_file_atomic(out_dir / "index.json", text); !st) return st.error();
  stats.written.push_back("index.json");
  stats.bytes += text.size();
  return stats;
}

}  // namespace ksm::catalog
