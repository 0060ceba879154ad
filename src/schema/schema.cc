// Loading and querying schemas/ (see schema.h).
#include "schema/schema.h"

#include <algorithm>
#include <set>

#include "core/fs.h"
#include "core/json_schema.h"
#include "core/paths.h"
#include "core/yaml.h"
#include "jinja/jinja.h"

namespace ksm::schema {

namespace fs = std::filesystem;

const char* effect_name(Effect e) {
  switch (e) {
    case Effect::Ignored: return "ignored";
    case Effect::Error: return "error";
    case Effect::Optional: return "optional";
    case Effect::Internal: return "internal";
  }
  return "ignored";
}

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Info: return "info";
  }
  return "warning";
}

const char* classification_name(Classification::Kind k) {
  switch (k) {
    case Classification::Kind::Renamed: return "renamed";
    case Classification::Kind::Restructured: return "restructured";
    case Classification::Kind::Removed: return "removed";
  }
  return "removed";
}

const Rule& Classification::rule() const {
  if (rename) return *rename;
  if (restructure) return *restructure;
  return *removal;
}

const Implicit* Sticky::implicit_at(const Version& tag) const {
  const Implicit* best = nullptr;
  for (const auto& i : implicit)
    if (tag < i.before && (!best || i.before < best->before)) best = &i;
  return best;
}

std::optional<ReleasePattern> ReleasePattern::parse(std::string_view s) {
  ReleasePattern p;
  p.text = std::string(s);
  std::string_view body = s;
  if (body.rfind(">=", 0) == 0) {
    p.kind = Kind::AtLeast;
    body.remove_prefix(2);
  } else if (body.size() > 2 && body.substr(body.size() - 2) == ".*") {
    p.kind = Kind::Minor;
    std::string full = std::string(body.substr(0, body.size() - 2)) + ".0";
    auto v = Version::parse_release(full);
    if (!v || full[0] != 'v') return std::nullopt;
    p.version = *v;
    return p;
  }
  if (body.empty() || body[0] != 'v') return std::nullopt;
  auto v = Version::parse_release(body);
  if (!v) return std::nullopt;
  p.version = *v;
  return p;
}

bool ReleasePattern::matches(const Version& v) const {
  switch (kind) {
    case Kind::Exact: return v == version;
    case Kind::Minor: return v.same_minor(version);
    case Kind::AtLeast: return !(v < version);
  }
  return false;
}

bool Advisory::matches_tag(const Version& tag) const {
  for (const auto& p : releases)
    if (p.matches(tag)) return true;
  return false;
}

bool Advisory::applies_to_hop(const Version& from, const Version& to) const {
  if (crossing) return from < release && !(to < release);
  return matches_tag(to);
}

bool HopRules::empty() const {
  return group_renames.empty() && file_moves.empty() && layout_changes.empty() &&
         variable_renames.empty() && restructures.empty() && removals.empty() && advisories.empty();
}

namespace {

bool in_hop(const Version& r, const Version& from, const Version& to) {
  return from < r && !(to < r);
}

template <typename T>
void collect(const std::vector<T>& all, const Version& from, const Version& to,
             std::vector<const T*>& out) {
  for (const auto& r : all)
    if (in_hop(r.release, from, to)) out.push_back(&r);
}

template <typename T>
void sort_by_release(std::vector<T>& v) {
  std::stable_sort(v.begin(), v.end(),
                   [](const T& a, const T& b) { return a.release < b.release; });
}

std::string str(const YAML::Node& n, const char* key) {
  YAML::Node v = n[key];
  return v && v.IsScalar() ? v.Scalar() : std::string();
}

std::vector<std::string> strs(const YAML::Node& n, const char* key) {
  std::vector<std::string> out;
  YAML::Node v = n[key];
  if (v && v.IsSequence())
    for (const auto& e : v)
      if (e.IsScalar()) out.push_back(e.Scalar());
  return out;
}

Effect effect_of(const YAML::Node& n) {
  std::string e = str(n, "effect");
  if (e == "error") return Effect::Error;
  if (e == "optional") return Effect::Optional;
  if (e == "internal") return Effect::Internal;
  return Effect::Ignored;
}

// One schema file being read: where errors go, and the release its rules belong to.
struct FileReader {
  const std::string& file;
  std::vector<Error>& errors;
  Version release;
  bool has_release = false;

  void fail(const YAML::Node& n, const std::string& msg) {
    errors.push_back(Error(msg, yaml_location(n, file)));
  }
  // Jinja expressions (when, condition) must parse, so that a typo is
  // reported here, with its position, not evaluated to Unknown later.
  void check_expr(const YAML::Node& n, const char* key) {
    std::string e = str(n, key);
    if (e.empty()) return;
    auto t = jinja::parse_expression(e, key);
    if (!t) fail(n[key], std::string(key) + ": " + t.error().message);
  }
  void base(Rule& r, const YAML::Node& n) const {
    r.release = release;
    r.reason = str(n, "reason");
    r.source = str(n, "source");
    r.where = yaml_location(n, file);
  }
};

// The file's release (false: none can be read), or, without one, only sticky rules.
bool read_release(const YAML::Node& doc, const fs::path& path, bool require_name_match,
                  FileReader& rd) {
  if (YAML::Node r = doc["release"]) {
    auto v = Version::parse_release(r.Scalar());
    if (!v) {
      rd.fail(r, "release: '" + r.Scalar() + "' is not a release tag");
      return false;
    }
    rd.release = *v;
    rd.has_release = true;
    if (require_name_match && path.stem().string() != r.Scalar())
      rd.fail(r, "release: " + r.Scalar() + " does not match the file name " +
                     path.filename().string() + " (expected " + r.Scalar() + ".yml)");
  } else {
    for (const auto& kv : doc) {
      std::string key = kv.first.Scalar();
      if (key != "sticky")
        rd.fail(kv.first, key + ": a file without 'release' may only hold sticky rules");
    }
  }
  return true;
}

// Group renames, file moves and layout changes.
void read_inventory_rules(const YAML::Node& doc, FileReader& rd, Schemas& out) {
  for (const auto& n : doc["group_renames"]) {
    GroupRename g;
    rd.base(g, n);
    g.from = str(n, "from");
    g.to = str(n, "to");
    if (g.from == g.to) rd.fail(n, "group rename from '" + g.from + "' to itself");
    out.group_renames.push_back(std::move(g));
  }
  for (const auto& n : doc["file_moves"]) {
    FileMove m;
    rd.base(m, n);
    m.from = str(n, "from");
    m.to = str(n, "to");
    m.dir = str(n, "kind") == "dir";
    m.hint = str(n, "hint");
    if (m.from == m.to) rd.fail(n, "file move from '" + m.from + "' to itself");
    if (m.to.empty() && m.hint.empty())
      rd.fail(n, "a file dropped from the sample (no 'to') needs a 'hint' for the operator's copy");
    out.file_moves.push_back(std::move(m));
  }
  for (const auto& n : doc["layout_changes"]) {
    LayoutChange l;
    rd.base(l, n);
    l.id = str(n, "id");
    l.from_layout = str(n, "from_layout");
    l.to_layout = str(n, "to_layout");
    l.hosts_file = str(n, "hosts_file");
    l.details = strs(n, "details");
    for (const auto& g : n["runtime_groups"])
      l.runtime_groups.push_back({str(g, "group"), strs(g, "from")});
    l.optional_groups = strs(n, "optional_groups");
    if (l.from_layout == l.to_layout) rd.fail(n, "layout change without a change of layout");
    out.layout_changes.push_back(std::move(l));
  }
}

// Variable renames, restructures and removals.
void read_variable_rules(const YAML::Node& doc, FileReader& rd, Schemas& out) {
  for (const auto& n : doc["variable_renames"]) {
    VariableRename v;
    rd.base(v, n);
    v.from = str(n, "from");
    v.to = str(n, "to");
    v.effect = effect_of(n);
    if (v.from == v.to) rd.fail(n, "variable rename from '" + v.from + "' to itself");
    out.variable_renames.push_back(std::move(v));
  }
  for (const auto& n : doc["restructures"]) {
    Restructure r;
    rd.base(r, n);
    r.id = str(n, "id");
    r.from = strs(n, "from");
    r.to = strs(n, "to");
    r.object_names = strs(n, "object_names");
    r.object_names_when = str(n, "object_names_when");
    rd.check_expr(n, "object_names_when");
    for (const auto& p : r.object_names)
      if (std::find(r.to.begin(), r.to.end(), p.substr(0, p.find_first_of(".["))) == r.to.end())
        rd.fail(n["object_names"],
                "object_names: '" + p + "' is not under one of the new variables ('to')");
    for (const auto& m : n["mapping"]) {
      Mapping mp{str(m, "from"), str(m, "to"),    str(m, "scope"),
                 str(m, "when"), str(m, "value"), str(m, "note")};
      rd.check_expr(m, "when");
      if (mp.to.empty() && mp.note.empty())
        rd.fail(m, "a mapping that drops a value (no 'to') needs a 'note' saying why");
      r.mapping.push_back(std::move(mp));
    }
    out.restructures.push_back(std::move(r));
  }
  for (const auto& n : doc["removals"]) {
    for (const auto& var : n["variables"]) {
      Removal r;
      rd.base(r, n);
      r.where = yaml_location(var, rd.file);
      r.variable = var.Scalar();
      r.effect = effect_of(n);
      r.replacement = str(n, "replacement");
      out.removals.push_back(std::move(r));
    }
  }
}

void read_sticky(const YAML::Node& doc, FileReader& rd, Schemas& out) {
  for (const auto& n : doc["sticky"]) {
    Sticky s;
    rd.base(s, n);
    s.release = Version{};
    s.variable = str(n, "variable");
    s.when = str(n, "when");
    rd.check_expr(n, "when");
    for (const auto& i : n["implicit"]) {
      Implicit im;
      auto v = Version::parse_release(str(i, "before"));
      if (!v) {
        rd.fail(i["before"], "implicit.before is not a release tag");
        continue;
      }
      im.before = *v;
      auto value = yaml_node_to_value(i["value"], rd.file);
      if (value) im.value = *value;
      im.reason = str(i, "reason");
      im.source = str(i, "source");
      s.implicit.push_back(std::move(im));
    }
    out.sticky.push_back(std::move(s));
  }
}

void read_advisories(const YAML::Node& doc, FileReader& rd, Schemas& out) {
  for (const auto& n : doc["advisories"]) {
    Advisory a;
    rd.base(a, n);
    a.id = str(n, "id");
    a.crossing = str(n, "scope") == "crossing";
    YAML::Node avoid = n["avoid"];
    a.avoid = avoid && yaml11_scalar(avoid.Scalar()) == Value(true);
    a.condition = str(n, "condition");
    rd.check_expr(n, "condition");
    std::string sev = str(n, "severity");
    a.severity = sev == "error"  ? Severity::Error
                 : sev == "info" ? Severity::Info
                                 : Severity::Warning;
    a.message = str(n, "message");
    for (const auto& p : n["releases"]) {
      auto rp = ReleasePattern::parse(p.Scalar());
      if (!rp) {
        rd.fail(p, "'" + p.Scalar() + "' is not a release pattern (v2.24.2, v2.23.*, >=v2.25.0)");
        continue;
      }
      a.releases.push_back(*rp);
    }
    if (a.crossing &&
        (a.releases.size() != 1 || a.releases[0].kind != ReleasePattern::Kind::Exact ||
         !(a.releases[0].version == rd.release)))
      rd.fail(n["releases"], "scope: crossing needs releases: [" + rd.release.str() +
                                 "] (the release of this file)");
    if (!rd.has_release) rd.fail(n, "advisory outside a release file");
    out.advisories.push_back(std::move(a));
  }
}

}  // namespace

// Structure (schema.json) then rules JSON Schema cannot express. Errors are
// appended; the rules are converted only when the structure is valid.
void parse_schema_text(const std::string& text, const fs::path& path, const JsonSchema& js,
                       bool require_name_match, Schemas& out, std::vector<Error>& errors) {
  const std::string file = path.string();
  if (auto st = check_text(text, file); !st) {
    errors.push_back(st.error());
    return;
  }
  auto node = load_yaml_node(text, file);
  if (!node) {
    errors.push_back(node.error());
    return;
  }
  const YAML::Node& doc = *node;
  if (!doc || doc.IsNull()) {
    errors.push_back(Error("empty schema file", Location{file, 1, 1}));
    return;
  }
  std::vector<Error> structural = js.validate(doc, file);
  if (!structural.empty()) {
    errors.insert(errors.end(), structural.begin(), structural.end());
    return;
  }
  FileReader rd{file, errors, Version{}, false};
  if (!read_release(doc, path, require_name_match, rd)) return;
  if (YAML::Node s = doc["summary"]) out.summaries[rd.release.str()] = s.Scalar();
  read_inventory_rules(doc, rd, out);
  read_variable_rules(doc, rd, out);
  read_sticky(doc, rd, out);
  read_advisories(doc, rd, out);
}

namespace {

// `display`: the name rules and errors cite the file by (the tool's own
// files as schemas/<name>, relative to the data folder: reports never carry
// a path of the machine the tool was built or installed on).
void parse_file(const fs::path& path, const fs::path& display, const JsonSchema& js,
                bool require_name_match, Schemas& out, std::vector<Error>& errors) {
  auto text = read_file(path);
  if (!text) {
    errors.push_back(text.error());
    return;
  }
  parse_schema_text(*text, display, js, require_name_match, out, errors);
}

std::vector<fs::path> rule_files(const fs::path& dir, std::vector<Error>& errors) {
  std::vector<fs::path> files;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    errors.push_back(Error("schemas folder not found", Location{dir.string()}));
    return files;
  }
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (!e.is_regular_file()) continue;
    auto ext = e.path().extension().string();
    if (ext == ".yml" || ext == ".yaml") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Duplicates within one folder are errors; a later folder replaces.
void merge_folder(Schemas& into, Schemas&& folder, bool first, std::vector<Error>& errors) {
  std::map<std::string, Location> seen_sticky, seen_adv;
  for (auto& s : folder.sticky) {
    if (auto [it, fresh] = seen_sticky.emplace(s.variable, s.where); !fresh) {
      errors.push_back(Error(
          "sticky variable '" + s.variable + "' already declared at " + it->second.str(), s.where));
      continue;
    }
    auto old = std::find_if(into.sticky.begin(), into.sticky.end(),
                            [&](const Sticky& o) { return o.variable == s.variable; });
    if (old != into.sticky.end()) *old = std::move(s);
    else into.sticky.push_back(std::move(s));
  }
  for (auto& a : folder.advisories) {
    if (auto [it, fresh] = seen_adv.emplace(a.id, a.where); !fresh) {
      errors.push_back(
          Error("advisory id '" + a.id + "' already used at " + it->second.str(), a.where));
      continue;
    }
    auto old = std::find_if(into.advisories.begin(), into.advisories.end(),
                            [&](const Advisory& o) { return o.id == a.id; });
    if (old != into.advisories.end()) *old = std::move(a);
    else into.advisories.push_back(std::move(a));
  }
  auto append = [](auto& dst, auto& src) {
    for (auto& x : src) dst.push_back(std::move(x));
  };
  append(into.group_renames, folder.group_renames);
  append(into.file_moves, folder.file_moves);
  append(into.layout_changes, folder.layout_changes);
  append(into.variable_renames, folder.variable_renames);
  append(into.restructures, folder.restructures);
  append(into.removals, folder.removals);
  for (auto& [k, v] : folder.summaries)
    if (first || !into.summaries.count(k)) into.summaries[k] = v;
  append(into.files, folder.files);
}

}  // namespace

HopRules Schemas::for_hop(const Version& from, const Version& to) const {
  HopRules h;
  collect(group_renames, from, to, h.group_renames);
  collect(file_moves, from, to, h.file_moves);
  collect(layout_changes, from, to, h.layout_changes);
  collect(variable_renames, from, to, h.variable_renames);
  collect(restructures, from, to, h.restructures);
  collect(removals, from, to, h.removals);
  for (const auto& a : advisories)
    if (a.applies_to_hop(from, to)) h.advisories.push_back(&a);
  return h;
}

const Sticky* Schemas::sticky_rule(std::string_view variable) const {
  for (const auto& s : sticky)
    if (s.variable == variable) return &s;
  return nullptr;
}

std::optional<Classification> Schemas::classify(std::string_view variable,
                                                const Version& at) const {
  std::optional<Classification> best;
  const Version* best_release = nullptr;
  auto consider = [&](const Rule& r, Classification c) {
    if (at < r.release) return;
    if (best_release && r.release < *best_release) return;
    if (best_release && r.release == *best_release) return;  // first kind wins on a tie
    best = c;
    best_release = &r.release;
  };
  for (const auto& r : variable_renames)
    if (r.from == variable)
      consider(r, Classification{Classification::Kind::Renamed, &r, nullptr, nullptr});
  for (const auto& r : restructures)
    if (std::find(r.from.begin(), r.from.end(), variable) != r.from.end())
      consider(r, Classification{Classification::Kind::Restructured, nullptr, &r, nullptr});
  for (const auto& r : removals)
    if (r.variable == variable)
      consider(r, Classification{Classification::Kind::Removed, nullptr, nullptr, &r});
  return best;
}

const VariableRename* Schemas::rename_of(std::string_view variable, const Version& from,
                                         const Version& to) const {
  for (const auto& r : variable_renames)
    if (r.from == variable && in_hop(r.release, from, to)) return &r;
  return nullptr;
}

std::vector<const Advisory*> Schemas::avoided(const Version& tag) const {
  std::vector<const Advisory*> out;
  for (const auto& a : advisories)
    if (a.avoid && !a.crossing && a.matches_tag(tag)) out.push_back(&a);
  return out;
}

std::string Schemas::summary(const Version& release) const {
  auto it = summaries.find(release.str());
  return it == summaries.end() ? std::string() : it->second;
}

const LayoutChange* Schemas::layout_at(const Version& tag) const {
  const LayoutChange* best = nullptr;
  for (const auto& l : layout_changes)
    if (l.release <= tag && (!best || best->release < l.release)) best = &l;
  return best;
}

std::vector<Error> check_schema_file(const fs::path& file, const fs::path& schema_json,
                                     bool require_name_match) {
  std::vector<Error> errors;
  auto js = JsonSchema::load(schema_json);
  if (!js) return {js.error()};
  Schemas s;
  parse_file(file, file, *js, require_name_match, s, errors);
  return errors;
}

Result<Schemas> load_schemas(const std::vector<fs::path>& dirs, const fs::path& schema_json) {
  auto js = JsonSchema::load(schema_json);
  if (!js) return js.error().context("loading the schema of schemas");
  Schemas all;
  std::vector<Error> errors;
  for (size_t i = 0; i < dirs.size(); ++i) {
    Schemas folder;
    std::error_code ec;
    const bool own = fs::equivalent(dirs[i], schemas_dir(), ec);
    for (const auto& f : rule_files(dirs[i], errors)) {
      // Our kubespray.yml holds facts, not rules (sources/knowledge.h).
      if (i == 0 && f.filename() == "kubespray.yml") continue;
      parse_file(f, own ? fs::path("schemas") / f.filename() : f, *js, i == 0, folder, errors);
      folder.files.push_back(f.string());
    }
    merge_folder(all, std::move(folder), i == 0, errors);
    if (!errors.empty()) break;
  }
  if (!errors.empty()) return first_problem(errors);
  sort_by_release(all.group_renames);
  sort_by_release(all.file_moves);
  sort_by_release(all.layout_changes);
  sort_by_release(all.variable_renames);
  sort_by_release(all.restructures);
  sort_by_release(all.removals);
  sort_by_release(all.advisories);
  return all;
}

Result<Schemas> load_default_schemas(const std::vector<fs::path>& extra_dirs) {
  std::vector<fs::path> dirs{schemas_dir()};
  dirs.insert(dirs.end(), extra_dirs.begin(), extra_dirs.end());
  return load_schemas(dirs, schemas_dir() / "schema.json");
}

}  // namespace ksm::schema
