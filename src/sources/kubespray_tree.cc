// Loading a Kubespray tree: sample inventory and role variables (see kubespray_tree.h).
#include "sources/kubespray_tree.h"

#include <algorithm>
#include <regex>
#include <set>

#include <yaml-cpp/yaml.h>

#include "core/text.h"
#include "core/yaml.h"
#include "sources/knowledge.h"

namespace ksm {

namespace {

bool vars_extension(std::string_view name) {
  auto slash = name.rfind('/');
  std::string_view base = slash == std::string_view::npos ? name : name.substr(slash + 1);
  if (base.empty() || base[0] == '.') return false;
  auto dot = base.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return true;  // no extension: Ansible reads it
  std::string_view ext = base.substr(dot);
  return ext == ".yml" || ext == ".yaml" || ext == ".json";
}

std::string basename(std::string_view p) {
  auto slash = p.rfind('/');
  return std::string(slash == std::string_view::npos ? p : p.substr(slash + 1));
}

// Ansible's _get_dir_vars_files: sorted entries of each level, folders recursed in place.
Status dir_vars_files(const Source& src, const std::string& dir, std::vector<std::string>& out) {
  auto files = src.list(dir, false);
  if (!files) return files.error();
  auto dirs = src.list_dirs(dir);
  if (!dirs) return dirs.error();
  std::vector<std::pair<std::string, bool>> entries;
  for (auto& f : *files) entries.emplace_back(f, false);
  for (auto& d : *dirs) entries.emplace_back(d, true);
  std::sort(entries.begin(), entries.end());
  for (auto& [p, is_dir] : entries) {
    if (basename(p).starts_with(".")) continue;
    if (is_dir) {
      if (auto s = dir_vars_files(src, p, out); !s) return s;
    } else if (vars_extension(p)) {
      out.push_back(p);
    }
  }
  return {};
}

// Ansible's find_vars_files(dir, "main"): the first of main (file or folder),
// main.yml, main.yaml, main.json.
Result<std::vector<std::string>> main_vars_files(const Source& src, const std::string& dir) {
  std::vector<std::string> out;
  for (const char* ext : {"", ".yml", ".yaml", ".json"}) {
    std::string p = dir + "/main" + ext;
    if (!src.exists(p)) continue;
    if (src.is_dir(p)) {
      if (*ext) continue;
      if (auto s = dir_vars_files(src, p, out); !s) return s.error();
    } else {
      out.push_back(p);
    }
    break;
  }
  return out;
}

}  // namespace

const char* layer_name(Layer l) {
  return l == Layer::Defaults ? "defaults" : "vars";
}

const VarDef* VarFile::find(std::string_view name) const {
  for (const auto& v : vars)
    if (v.name == name) return &v;
  return nullptr;
}

Value VarFile::as_map() const {
  Map m;
  for (const auto& v : vars) m.set(v.name, v.value);
  return Value(std::move(m));
}

Result<VarFile> parse_var_file(std::string path, std::string text) {
  VarFile f;
  f.path = std::move(path);
  f.text = std::move(text);
  try {
    YamlTree doc = load_yaml_tree_or_throw(strip_bom(f.text));
    const YamlTree::Id root = doc.root();
    if (doc.is_null(root)) return f;
    if (!doc.is_map(root))
      return Error("a variables file must hold a mapping at top level", doc.location(root, f.path));
    for (size_t i = 0, n = doc.size(root); i < n; ++i) {
      const YamlTree::Id k = doc.key(root, i);
      Location at = doc.location(k, f.path);
      int line = at.line;
      int col = at.column;
      if (!doc.is_scalar(k)) return Error("a variable name must be a scalar", at);
      auto v = yaml_tree_to_value(doc, doc.value(root, i), f.path, &f.warnings);
      if (!v) return v.error();
      std::string name = doc.scalar(k);
      auto dup = std::find_if(f.vars.begin(), f.vars.end(),
                              [&](const VarDef& d) { return d.name == name; });
      if (dup != f.vars.end()) {
        f.warnings.push_back(Error("duplicate variable '" + name + "' (first at line " +
                                       std::to_string(dup->line) + "); the last one wins",
                                   Location{f.path, line, col}));
        dup->value = std::move(*v);
        dup->line = line;
        dup->column = col;
      } else {
        f.vars.push_back(VarDef{std::move(name), std::move(*v), line, col});
      }
    }
  } catch (const YAML::Exception& e) {
    return Error(e.msg, Location{f.path, e.mark.is_null() ? 0 : e.mark.line + 1,
                                 e.mark.is_null() ? 0 : e.mark.column + 1});
  }
  return f;
}

Result<VarFile> load_var_file(const Source& src, std::string_view path) {
  auto text = src.read(path);
  if (!text) return text.error();
  return parse_var_file(std::string(path), std::move(*text));
}

Result<VarFile> VarFileCache::parse(std::string path, std::string text) {
  std::string key = path;
  key += '\0';
  key += text;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = files_.find(key); it != files_.end()) return it->second;
  }
  // Parsed outside the lock: the other thread's loads go on meanwhile (two
  // threads parsing the same new file both store the same result).
  auto f = parse_var_file(std::move(path), std::move(text));
  if (!f) return f;
  std::lock_guard<std::mutex> lock(mu_);
  files_.emplace(std::move(key), *f);
  return f;
}

namespace {

Result<VarFile> load_var_file(const Source& src, std::string_view path, VarFileCache* cache) {
  if (!cache) return load_var_file(src, path);
  auto text = src.read(path);
  if (!text) return text.error();
  return cache->parse(std::string(path), std::move(*text));
}

}  // namespace

bool Role::is_kubespray_defaults() const { return kubespray().is_defaults_role(name); }

// ------------------------------------------------------------ sample scanning

std::vector<SampleVar> scan_sample_variables(const VarFile& f) {
  std::vector<SampleVar> out;
  for (const auto& v : f.vars)
    out.push_back(SampleVar{v.name, f.path, v.line, false, v.value, true});

  static const std::regex re_key("^# ?([a-z_][a-zA-Z0-9_]*):(?:[ \t]+(.*))?$");
  static const std::regex re_next_key("^[a-z_][a-zA-Z0-9_]*:([ \t]|$)");
  auto lines = split_lines(f.text);
  for (auto& l : lines)
    if (!l.empty() && l.back() == '\r') l.pop_back();  // a CRLF file
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    std::smatch m;
    if (!std::regex_match(line, m, re_key)) continue;
    SampleVar sv;
    sv.name = m[1];
    sv.file = f.path;
    sv.line = static_cast<int>(i + 1);
    sv.commented = true;
    std::string rest = trim(m[2].str());
    std::string doc;
    std::string raw = rest;
    if (rest.empty() || rest[0] == '#') {
      // A block value commented out below the key.
      std::string block;
      size_t j = i + 1;
      // The key sits after '#' and key_indent spaces; its block lines are
      // commented lines indented deeper, or list items at the same indent.
      size_t key_indent = line.size() > 1 && line[1] == ' ' ? 1 : 0;
      for (; j < lines.size(); ++j) {
        std::string_view l = lines[j];
        if (l.empty() || l[0] != '#') break;
        size_t n = 0;
        while (1 + n < l.size() && l[1 + n] == ' ') ++n;
        std::string_view content = l.substr(1 + n);
        if (content.empty()) break;
        bool item = content == "-" || content.starts_with("- ");
        if (n <= 1 && std::regex_search(std::string(content), re_next_key)) break;  // the next key
        if (!(n > key_indent || (n == key_indent && item))) break;
        block += std::string(l.substr(1 + key_indent)) + "\n";
      }
      doc = sv.name + ":\n" + block;
      raw = block;
    } else {
      doc = sv.name + ": " + rest + "\n";
    }
    std::vector<Error> ignored;
    auto parsed = parse_yaml(doc, f.path, &ignored);
    const Value* val = parsed && parsed->is_map() ? parsed->get(sv.name) : nullptr;
    if (val) {
      sv.value = *val;
    } else {
      sv.value = Value(raw);
      sv.parsed = false;
    }
    out.push_back(std::move(sv));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const SampleVar& a, const SampleVar& b) { return a.line < b.line; });
  return out;
}

std::vector<std::string> hosts_file_groups(const std::string& name, const std::string& text) {
  std::vector<std::string> groups;
  std::set<std::string> seen;
  auto add = [&](const std::string& g) {
    if (!g.empty() && seen.insert(g).second) groups.push_back(g);
  };
  bool yaml = name.ends_with(".yml") || name.ends_with(".yaml");
  if (yaml) {
    auto doc = parse_yaml(text, name);
    if (!doc || !doc->is_map()) return groups;
    auto walk = [&](auto&& self, const Value& m) -> void {
      if (!m.is_map()) return;
      for (const auto& [g, body] : m.as_map()) {
        add(g);
        if (const Value* ch = body.get("children")) self(self, *ch);
      }
    };
    walk(walk, *doc);
    return groups;
  }
  bool in_children = false;
  for (auto lv : split_lines(text)) {
    std::string l = trim(lv);
    if (l.empty() || l[0] == '#' || l[0] == ';') continue;
    if (l.front() == '[' && l.back() == ']') {
      std::string sec = l.substr(1, l.size() - 2);
      auto colon = sec.find(':');
      std::string g = sec.substr(0, colon);
      std::string kind = colon == std::string::npos ? "" : sec.substr(colon + 1);
      add(trim(g));
      in_children = kind == "children";
      continue;
    }
    if (in_children) {
      auto end = l.find_first_of(" \t#");
      add(l.substr(0, end));
    }
  }
  return groups;
}

// ------------------------------------------------------------ the tree

Result<KubesprayTree> KubesprayTree::load(const Source& src, VarFileCache* cache) {
  KubesprayTree t;
  t.label_ = src.label();

  // Roles: folders under roles/ that hold defaults/ or vars/.
  if (src.is_dir("roles")) {
    auto files = src.list("roles", true);
    if (!files) return files.error();
    std::set<std::string> role_paths;
    static const std::set<std::string> not_role_parts = {
        "tasks", "templates", "files", "handlers", "meta", "library", "molecule", "tests"};
    for (const auto& p : *files) {
      // roles/<a>/<b>/.../(defaults|vars)/...
      auto pieces = split(p, '/');
      std::vector<std::string> parts(pieces.begin(), pieces.end());
      for (size_t i = 2; i + 1 < parts.size(); ++i) {
        if (not_role_parts.count(parts[i])) break;
        if (parts[i] == "defaults" || parts[i] == "vars") {
          std::string rp = parts[0];
          for (size_t k = 1; k < i; ++k) rp += "/" + parts[k];
          role_paths.insert(rp);
          break;
        }
      }
    }
    for (const auto& rp : role_paths) {
      Role role;
      role.path = rp;
      role.name = rp.substr(std::string("roles/").size());
      for (Layer layer : {Layer::Defaults, Layer::Vars}) {
        std::string dir = rp + "/" + layer_name(layer);
        if (!src.is_dir(dir)) continue;
        auto mains = main_vars_files(src, dir);
        if (!mains) return mains.error();
        std::set<std::string> auto_set(mains->begin(), mains->end());
        auto all = src.list(dir, true);
        if (!all) return all.error();
        std::vector<std::pair<std::string, bool>> order;
        for (const auto& m : *mains) order.emplace_back(m, true);
        for (const auto& p : *all)
          if (!auto_set.count(p) && vars_extension(p)) order.emplace_back(p, false);
        for (const auto& [p, autoload] : order) {
          auto vf = load_var_file(src, p, cache);
          if (!vf) return vf.error().context(src.label());
          role.files.push_back(RoleFile{layer, autoload, std::move(*vf)});
        }
      }
      t.roles_.push_back(std::move(role));
    }
  }

  // The sample inventory.
  Sample& s = t.sample_;
  s.root = kubespray().sample_inventory();
  if (src.is_dir(s.root)) {
    auto files = src.list(s.root, true);
    if (!files) return files.error();
    for (const auto& p : *files) s.files.push_back(p.substr(s.root.size() + 1));
    std::vector<std::string> top;
    for (const auto& f : s.files)
      if (f.find('/') == std::string::npos) top.push_back(f);
    for (const auto& cand : kubespray().hosts_files()) {
      if (std::find(top.begin(), top.end(), cand) != top.end()) {
        s.hosts_file = cand;
        break;
      }
    }
    if (s.hosts_file.empty())
      for (const auto& f : top)
        if (f.ends_with(".ini")) {
          s.hosts_file = f;
          break;
        }
    if (!s.hosts_file.empty()) {
      auto text = src.read(s.root + "/" + s.hosts_file);
      if (!text) return text.error();
      s.hosts_text = std::move(*text);
      s.groups = hosts_file_groups(s.hosts_file, s.hosts_text);
    }
    for (const auto& f : s.files) {
      if (!(f.starts_with("group_vars/") || f.starts_with("host_vars/")) || !vars_extension(f))
        continue;
      auto vf = load_var_file(src, s.root + "/" + f, cache);
      if (!vf) return vf.error().context(src.label());
      s.var_files.push_back(std::move(*vf));
    }
  }

  auto requirements = read_requirements(src);
  if (!requirements) return requirements.error();
  t.requirements_ = std::move(*requirements);
  if (src.exists("ansible.cfg")) {
    auto r = src.read("ansible.cfg");
    if (!r) return r.error();
    t.ansible_cfg_ = std::move(*r);
  }
  return t;
}

Result<std::optional<std::string>> read_requirements(const Source& src) {
  const std::string& file = kubespray().requirements_file();
  if (!src.exists(file)) return std::optional<std::string>();
  auto r = src.read(file);
  if (!r) return r.error();
  std::string name = trim(*r);
  if (name.ends_with(".txt") && name.find_first_of(" \t\n=<>") == std::string::npos &&
      src.exists(name) && !src.is_dir(name)) {
    auto target = src.read(name);
    if (!target) return target.error();
    r = std::move(target);
  }
  return std::optional<std::string>(std::move(*r));
}

const Role* KubesprayTree::find_role(std::string_view name) const {
  for (const auto& r : roles_)
    if (r.name == name) return &r;
  return nullptr;
}

const Role* KubesprayTree::kubespray_defaults() const {
  for (const auto& r : roles_)
    if (r.is_kubespray_defaults()) return &r;
  return nullptr;
}

}  // namespace ksm
