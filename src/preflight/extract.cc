// The walk (see extract.h). Structure comes from yaml-cpp's tree (for
// file:line); scalars and maps are typed through core/yaml's Ansible typing.
#include "preflight/extract.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>
#include <unordered_map>

#include "core/json.h"
#include "core/yaml.h"

namespace ksm::preflight {

const char* module_name(TaskModule m) {
  return m == TaskModule::Assert ? "assert" : "fail";
}

std::vector<std::string> Assertion::conditions(const Reach& r) const {
  std::vector<std::string> all = r.when;
  all.insert(all.end(), when.begin(), when.end());
  return all;
}

size_t Extraction::count(TaskModule m) const {
  return static_cast<size_t>(std::count_if(assertions.begin(), assertions.end(),
                                           [m](const Assertion& a) { return a.module == m; }));
}

namespace {

bool is_one_of(const std::string& key, std::initializer_list<const char*> bases) {
  for (const char* b : bases) {
    if (key == b) return true;
    if (key == std::string("ansible.builtin.") + b) return true;
    if (key == std::string("ansible.legacy.") + b) return true;
  }
  return false;
}

bool templated(const std::string& s) {
  return s.find("{{") != std::string::npos || s.find("{%") != std::string::npos;
}

std::string dirname(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

std::string join_path(const std::string& dir, const std::string& rel) {
  if (!rel.empty() && rel[0] == '/') return rel;
  return dir.empty() ? rel : dir + "/" + rel;
}

// "a/./b/../c" -> "a/c"; an escape above the root keeps its "..".
std::string normalize(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    std::string part =
        path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..")
        parts.pop_back();
      else
        parts.push_back(part);
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

// The role whose folder holds a task file: "roles/network_plugin/calico/tasks/x.yml"
// -> "network_plugin/calico".
std::string role_of_file(const std::string& path) {
  if (path.rfind("roles/", 0) != 0) return "";
  auto t = path.find("/tasks/");
  if (t == std::string::npos) return "";
  return path.substr(6, t - 6);
}

std::vector<std::string> strings_of(const Value& v, bool split_commas = false) {
  std::vector<std::string> out;
  auto add = [&](const Value& e) {
    if (e.is_undefined() || e.is_null()) return;
    std::string s = e.is_string() ? e.as_string() : to_python_str(e);
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    if (split_commas) {
      size_t start = 0;
      while (true) {
        size_t c = s.find(',', start);
        std::string part = s.substr(start, c == std::string::npos ? std::string::npos : c - start);
        part.erase(0, part.find_first_not_of(' '));
        while (!part.empty() && part.back() == ' ') part.pop_back();
        if (!part.empty()) out.push_back(part);
        if (c == std::string::npos) break;
        start = c + 1;
      }
    } else {
      out.push_back(s);
    }
  };
  if (v.is_list())
    for (const auto& e : v.as_list()) add(e);
  else
    add(v);
  return out;
}

std::string compact(const Value& v) {
  return v.is_string() ? v.as_string() : to_json(v, {true, 0});
}

// Keywords that may sit beside the action of a task (not the action itself).
const std::set<std::string>& task_keywords() {
  static const std::set<std::string> k = {"name",
                                          "when",
                                          "tags",
                                          "vars",
                                          "register",
                                          "loop",
                                          "loop_control",
                                          "args",
                                          "become",
                                          "become_user",
                                          "become_method",
                                          "become_flags",
                                          "become_exe",
                                          "delegate_to",
                                          "delegate_facts",
                                          "run_once",
                                          "ignore_errors",
                                          "ignore_unreachable",
                                          "any_errors_fatal",
                                          "failed_when",
                                          "changed_when",
                                          "check_mode",
                                          "diff",
                                          "environment",
                                          "no_log",
                                          "notify",
                                          "listen",
                                          "retries",
                                          "delay",
                                          "until",
                                          "async",
                                          "poll",
                                          "throttle",
                                          "timeout",
                                          "tags",
                                          "collections",
                                          "connection",
                                          "module_defaults",
                                          "port",
                                          "remote_user",
                                          "debugger",
                                          "local_action",
                                          "action",
                                          "block",
                                          "rescue",
                                          "always",
                                          "vars_files"};
  return k;
}

// Keywords of a role entry in `roles:` / `dependencies:`; other keys are role params.
const std::set<std::string>& role_keywords() {
  static const std::set<std::string> k = {"role",
                                          "name",
                                          "when",
                                          "tags",
                                          "vars",
                                          "become",
                                          "become_user",
                                          "become_method",
                                          "delegate_to",
                                          "delegate_facts",
                                          "any_errors_fatal",
                                          "ignore_errors",
                                          "environment",
                                          "no_log",
                                          "run_once",
                                          "check_mode",
                                          "diff",
                                          "connection",
                                          "collections",
                                          "debugger",
                                          "module_defaults",
                                          "remote_user",
                                          "port",
                                          "throttle",
                                          "timeout",
                                          "src",
                                          "scm",
                                          "version"};
  return k;
}

struct Ctx {
  Reach r;
  std::string role_dir;      // "roles/x" or ""
  std::string playbook_dir;  // folder of the playbook the play is in
  Value run_once = Value::undefined();
  Value ignore_errors = Value::undefined();
  Value delegate_to = Value::undefined();
  std::set<std::string>* play_roles = nullptr;  // roles already run in this play
};

void merge_vars(Value& into, const Value& from) {
  if (!from.is_map()) return;
  auto& m = into.map_mut();
  for (const auto& [k, v] : from.as_map()) m.set(k, v);
}

class Walker {
 public:
  Walker(const Source& tree, const ExtractOptions& opts) : tree_(tree), opts_(opts) {
    x_.tree = tree.label();
    x_.playbook = opts.playbook;
  }

  Result<Extraction> run() {
    auto root = load(opts_.playbook);
    if (!root) return root.error();
    if (!*root) return Error("no playbook " + opts_.playbook + " in " + tree_.label());
    Ctx ctx;
    walk_playbook(opts_.playbook, **root, ctx, 0);
    return std::move(x_);
  }

 private:
  // Parsed files; nullopt = absent.
  Result<std::optional<YAML::Node>> load(const std::string& path) {
    auto it = cache_.find(path);
    if (it != cache_.end()) return it->second;
    std::optional<YAML::Node> node;
    if (exists(path)) {
      const YAML::Node* known = nullptr;
      if (opts_.parsed)
        if (auto p = opts_.parsed->find(path); p != opts_.parsed->end()) known = &p->second;
      if (known) {
        node = *known;
      } else {
        auto text = tree_.read(path);
        if (!text) return text.error();
        try {
          node = YAML::Load(std::string(strip_bom(*text)));
        } catch (const YAML::Exception& e) {
          return Error("invalid YAML: " + e.msg,
                       Location{path, e.mark.line + 1, e.mark.column + 1});
        }
      }
      x_.files.push_back(path);
    }
    cache_.emplace(path, node);
    return node;
  }

  // A file that may be absent or broken: warnings instead of errors.
  std::optional<YAML::Node> load_soft(const std::string& path, const Location& from) {
    auto n = load(path);
    if (!n) {
      warn(n.error().context("reading " + path + " (included from " + from.str() + ")"));
      return std::nullopt;
    }
    return *n;
  }

  // A templated include target rendered by the caller's resolver, if any.
  std::optional<std::string> render(const std::string& text, const Ctx& c) {
    if (!opts_.resolve) return std::nullopt;
    auto r = opts_.resolve(text, c.r);
    if (r && templated(*r)) return std::nullopt;
    return r;
  }

  void warn(Error e) { x_.warnings.push_back(std::move(e)); }

  static Location at(const std::string& file, const YAML::Node& n) {
    auto m = n.Mark();
    if (m.is_null()) return Location{file, 0, 0};
    return Location{file, m.line + 1, 0};
  }

  Value val(const YAML::Node& n, const std::string& file) {
    if (!n) return Value::undefined();
    auto v = yaml_node_to_value(n, file);
    if (!v) {
      warn(v.error());
      return Value::undefined();
    }
    return std::move(*v);
  }

  void not_followed(const Ctx& ctx, const Location& where, const std::string& keyword,
                    const std::string& target, const std::string& reason) {
    // One entry per place and target, with the context it was first met in.
    if (!nf_seen_.insert(where.str() + "|" + keyword + "|" + target).second) return;
    x_.not_followed.push_back(
        NotFollowed{where, keyword, target, reason, ctx.r.role, ctx.r.when, ctx.r.chain});
  }

  // Applies the keywords of a block / include / role entry to a child context.
  void inherit(Ctx& c, const YAML::Node& n, const std::string& file) {
    if (!n.IsMap()) return;
    if (auto w = n["when"]) {
      auto more = strings_of(val(w, file));
      c.r.when.insert(c.r.when.end(), more.begin(), more.end());
    }
    if (auto t = n["tags"]) {
      auto more = strings_of(val(t, file), true);
      c.r.tags.insert(c.r.tags.end(), more.begin(), more.end());
    }
    if (auto v = n["vars"]) merge_vars(c.r.vars, val(v, file));
    if (auto a = n["any_errors_fatal"]) c.r.any_errors_fatal = val(a, file);
    if (auto a = n["run_once"]) c.run_once = val(a, file);
    if (auto a = n["ignore_errors"]) c.ignore_errors = val(a, file);
    if (auto a = n["delegate_to"]) c.delegate_to = val(a, file);
  }

  // ---- playbooks and plays ------------------------------------------------

  void walk_playbook(const std::string& path, const YAML::Node& doc, const Ctx& outer,
                     size_t depth) {
    if (depth > opts_.max_depth) {
      warn(Error("playbook imports nested too deeply", Location{path}));
      return;
    }
    if (std::find(pb_stack_.begin(), pb_stack_.end(), path) != pb_stack_.end()) {
      not_followed(outer, Location{path}, "import_playbook", path, "recursive import");
      return;
    }
    if (!doc.IsSequence()) {
      if (!doc.IsNull()) warn(Error("a playbook is a list of plays", at(path, doc)));
      return;
    }
    pb_stack_.push_back(path);
    size_t index = 0;
    for (const auto& entry : doc) {
      ++index;
      if (!entry.IsMap()) continue;
      std::string import_key;
      for (const auto& kv : entry) {
        std::string k = kv.first.Scalar();
        if (is_one_of(k, {"import_playbook"}) || k == "include") import_key = k;
      }
      if (!import_key.empty()) {
        Value target = val(entry[import_key], path);
        std::string t = target.is_string() ? target.as_string() : compact(target);
        Ctx c = outer;
        inherit(c, entry, path);
        Location where = at(path, entry);
        if (templated(t)) {
          not_followed(c, where, import_key, t, "templated playbook name");
          continue;
        }
        std::string file = normalize(join_path(dirname(path), t));
        auto n = load_soft(file, where);
        if (!n) {
          not_followed(c, where, import_key, t, "no such playbook " + file + " in the tree");
          continue;
        }
        c.r.chain.push_back("import_playbook " + file + " at " + where.str());
        walk_playbook(file, *n, c, depth + 1);
        continue;
      }
      if (entry["hosts"]) walk_play(path, entry, index, outer);
    }
    pb_stack_.pop_back();
  }

  void walk_play(const std::string& path, const YAML::Node& play, size_t index, const Ctx& outer) {
    ++x_.plays;
    Ctx c = outer;
    c.playbook_dir = dirname(path);
    c.role_dir.clear();
    c.r.role.clear();
    Location where = at(path, play);
    Value name = val(play["name"], path);
    c.r.play =
        name.is_string() ? name.as_string() : "play " + std::to_string(index) + " of " + path;
    c.r.play_at = where;
    Value hosts = val(play["hosts"], path);
    if (hosts.is_list()) {
      std::string h;
      for (const auto& s : strings_of(hosts)) h += (h.empty() ? "" : ",") + s;
      c.r.hosts = h;
    } else {
      c.r.hosts = hosts.is_string() ? hosts.as_string() : compact(hosts);
    }
    c.r.chain.push_back("play '" + c.r.play + "' (hosts: " + c.r.hosts + ") at " + where.str());
    inherit(c, play, path);  // play vars, tags, any_errors_fatal, run_once...
    std::set<std::string> roles_run;
    c.play_roles = &roles_run;
    for (const char* section : {"pre_tasks", "roles", "tasks", "post_tasks"}) {
      YAML::Node s = play[section];
      if (!s || !s.IsSequence()) continue;
      if (std::string(section) == "roles") {
        for (const auto& entry : s) role_entry(path, entry, c, "", 0);
      } else {
        walk_task_list(path, s, c, 0);
      }
    }
  }

  // ---- roles ----------------------------------------------------------------

  // An entry of `roles:` or of a role's `dependencies:`.
  // `dependent_of`: the folder of the role whose meta/main.yml lists it ("" = a play's roles:).
  void role_entry(const std::string& file, const YAML::Node& entry, const Ctx& outer,
                  const std::string& dependent_of, size_t depth) {
    Location where = at(file, entry);
    std::string name;
    Ctx c = outer;
    Value params = Value::map();
    if (entry.IsScalar()) {
      name = entry.Scalar();
    } else if (entry.IsMap()) {
      Value role = val(entry["role"] ? entry["role"] : entry["name"], file);
      name = role.is_string() ? role.as_string() : "";
      inherit(c, entry, file);
      for (const auto& kv : entry) {
        std::string k = kv.first.Scalar();
        if (!role_keywords().count(k)) params.map_mut().set(k, val(kv.second, file));
      }
      merge_vars(c.r.vars, params);
    }
    if (name.empty()) {
      warn(Error("role entry without a role name", where));
      return;
    }
    run_role(where, name, "main", params, c, /*dedup=*/true,
             dependent_of.empty() ? "role" : "dependency", dependent_of, depth);
  }

  // Ansible's role search: roles/ beside the playbook, the playbook's folder,
  // roles_path (Kubespray's ansible.cfg: roles/ at the root) and, for a
  // dependency, the folder of the role declaring it.
  std::optional<std::string> find_role_dir(const Ctx& c, const std::string& name,
                                           const std::string& dependent_of) {
    std::vector<std::string> bases = {join_path(c.playbook_dir, "roles"), c.playbook_dir, "roles"};
    if (!dependent_of.empty()) bases.push_back(dirname(dependent_of));
    for (const std::string& base : bases) {
      std::string dir = normalize(join_path(base, name));
      if (dir.empty() || dir.rfind("..", 0) == 0) continue;
      auto it = dir_.find(dir);
      if (it == dir_.end())
        it = dir_.emplace(dir, tree_.is_dir(dir + "/tasks") || tree_.is_dir(dir + "/meta") ||
                                   tree_.is_dir(dir + "/defaults") || tree_.is_dir(dir + "/vars"))
                 .first;
      if (it->second) return dir;
    }
    return std::nullopt;
  }

  bool exists(const std::string& path) {
    auto it = exists_.find(path);
    if (it != exists_.end()) return it->second;
    bool e = tree_.exists(path) && !tree_.is_dir(path);
    exists_.emplace(path, e);
    return e;
  }

  std::optional<std::string> find_file(const std::vector<std::string>& candidates) {
    for (const auto& c : candidates)
      if (exists(c)) return c;
    return std::nullopt;
  }

  void run_role(const Location& where, const std::string& name, const std::string& tasks_from,
                const Value& params, const Ctx& outer, bool dedup, const std::string& keyword,
                const std::string& dependent_of, size_t depth) {
    if (depth > opts_.max_depth) {
      warn(Error("roles nested too deeply at role " + name, where));
      return;
    }
    std::string rendered = name;
    if (templated(name)) {
      auto r = render(name, outer);
      if (!r) {
        not_followed(outer, where, keyword, name, "templated role name");
        return;
      }
      rendered = *r;
    }
    auto dir = find_role_dir(outer, rendered, dependent_of);
    if (!dir) {
      not_followed(outer, where, keyword, name, "no role " + name + " in the tree");
      return;
    }
    auto meta = load_soft(*dir + "/meta/main.yml", where);
    if (!meta) meta = load_soft(*dir + "/meta/main.yaml", where);
    bool allow_dup = false;
    if (meta && meta->IsMap() && (*meta)["allow_duplicates"]) {
      Value a = val((*meta)["allow_duplicates"], *dir + "/meta/main.yml");
      allow_dup = a.is_bool() && a.as_bool();
    }
    if (dedup && outer.play_roles && !allow_dup) {
      std::string key = *dir + "|" + tasks_from + "|" + to_json(params, {true, 0});
      if (!outer.play_roles->insert(key).second) return;  // Ansible runs a role once per play
    }
    Ctx c = outer;
    c.role_dir = *dir;
    c.r.role =
        dir->substr(dir->rfind("roles/") == std::string::npos ? 0 : dir->rfind("roles/") + 6);
    c.r.chain.push_back(keyword + " " + c.r.role +
                        (tasks_from != "main" ? " (tasks_from: " + tasks_from + ")" : "") + " at " +
                        where.str());
    // Dependencies run first, under the role's own conditions.
    if (meta && meta->IsMap()) {
      YAML::Node deps = (*meta)["dependencies"];
      if (deps && deps.IsSequence()) {
        std::string meta_file = *dir + "/meta/main.yml";
        Ctx dc = c;
        dc.r.chain.back() += " -> meta/main.yml dependencies";
        for (const auto& d : deps) role_entry(meta_file, d, dc, *dir, depth + 1);
      }
    }
    std::string base = *dir + "/tasks/" + tasks_from;
    auto tasks = find_file({base + ".yml", base + ".yaml", base});
    if (!tasks) {
      if (tasks_from != "main")
        not_followed(c, where, keyword, name + " tasks_from " + tasks_from,
                     "no tasks file " + base + ".yml");
      return;
    }
    walk_task_file(*tasks, c, where, depth + 1);
  }

  // ---- task files -----------------------------------------------------------

  void walk_task_file(const std::string& path, const Ctx& c, const Location& from, size_t depth) {
    if (depth > opts_.max_depth) {
      warn(Error("includes nested too deeply", from));
      return;
    }
    if (std::find(file_stack_.begin(), file_stack_.end(), path) != file_stack_.end()) {
      not_followed(c, from, "include_tasks", path,
                   "recursive include (a retry loop); followed once");
      return;
    }
    auto n = load_soft(path, from);
    if (!n) return;
    if (n->IsNull()) return;
    if (!n->IsSequence()) {
      warn(Error("a task file is a list of tasks", at(path, *n)));
      return;
    }
    file_stack_.push_back(path);
    walk_task_list(path, *n, c, depth);
    file_stack_.pop_back();
  }

  void walk_task_list(const std::string& file, const YAML::Node& list, const Ctx& c, size_t depth) {
    for (const auto& task : list)
      if (task.IsMap()) walk_task(file, task, c, depth);
  }

  std::optional<std::string> action_key(const YAML::Node& task) {
    for (const auto& kv : task) {
      std::string k = kv.first.Scalar();
      if (!task_keywords().count(k) && k.rfind("with_", 0) != 0) return k;
    }
    if (task["action"]) return std::string("action");
    if (task["local_action"]) return std::string("local_action");
    return std::nullopt;
  }

  // Args of an action: a map, or free-form "k=v" text (returned as _raw_params).
  Value args_of(const std::string& file, const YAML::Node& task, const std::string& key) {
    Value a = val(task[key], file);
    Value out = Value::map();
    if (a.is_map())
      out = a;
    else if (!a.is_undefined() && !a.is_null())
      out.map_mut().set("_raw_params", a);
    if (auto extra = task["args"]) merge_vars(out, val(extra, file));
    return out;
  }

  void walk_task(const std::string& file, const YAML::Node& task, const Ctx& outer, size_t depth) {
    Location where = at(file, task);
    if (task["block"]) {
      Ctx c = outer;
      inherit(c, task, file);
      Value name = val(task["name"], file);
      c.r.chain.push_back("block" + (name.is_string() ? " '" + name.as_string() + "'" : "") +
                          " at " + where.str());
      for (const char* part : {"block", "rescue", "always"}) {
        YAML::Node p = task[part];
        if (!p || !p.IsSequence()) continue;
        Ctx pc = c;
        if (std::string(part) == "rescue") pc.r.in_rescue = true;
        if (std::string(part) != "block") pc.r.chain.back() += " (" + std::string(part) + ")";
        walk_task_list(file, p, pc, depth);
      }
      return;
    }
    auto key = action_key(task);
    if (auto reg = task["register"]; reg && reg.IsScalar())
      x_.runtime_vars.emplace(reg.Scalar(), where);
    if (!key) return;
    const std::string& k = *key;
    if (is_one_of(k, {"set_fact"})) {
      Value args = args_of(file, task, k);
      if (args.is_map())
        for (const auto& [name, v] : args.as_map())
          if (name != "cacheable" && name != "_raw_params") x_.runtime_vars.emplace(name, where);
      return;
    }
    if (is_one_of(k, {"assert", "fail"})) {
      record(file, task, k, outer);
      return;
    }
    bool import_tasks = is_one_of(k, {"import_tasks"});
    if (import_tasks || is_one_of(k, {"include_tasks", "include"})) {
      Value args = args_of(file, task, k);
      const Value* f = args.get("file");
      if (!f) f = args.get("_raw_params");
      std::string target = f && f->is_string() ? f->as_string() : (f ? compact(*f) : "");
      Ctx c = outer;
      inherit(c, task, file);
      if (const Value* apply = args.get("apply"); apply && apply->is_map()) {
        if (const Value* w = apply->get("when")) {
          auto more = strings_of(*w);
          c.r.when.insert(c.r.when.end(), more.begin(), more.end());
        }
      }
      if (!import_tasks) c.r.dynamic = true;
      if (auto l = loop_of(file, task)) c.r.loop = l;
      if (target.empty()) {
        not_followed(c, where, k, "", "no file name");
        return;
      }
      if (templated(target)) {
        auto r = render(target, c);
        if (!r) {
          not_followed(c, where, k, target, "templated file name (needs facts or variables)");
          return;
        }
        target = *r;
      }
      std::vector<std::string> candidates = {normalize(join_path(dirname(file), target))};
      if (!c.role_dir.empty()) {
        candidates.push_back(normalize(c.role_dir + "/tasks/" + target));
        candidates.push_back(normalize(c.role_dir + "/" + target));
      }
      candidates.push_back(normalize(join_path(c.playbook_dir, target)));
      auto path = find_file(candidates);
      if (!path) {
        not_followed(c, where, k, target, "no such file in the tree");
        return;
      }
      c.r.chain.push_back(k + " " + *path + " at " + where.str());
      walk_task_file(*path, c, where, depth + 1);
      return;
    }
    if (is_one_of(k, {"include_role", "import_role"})) {
      Value args = args_of(file, task, k);
      const Value* n = args.get("name");
      std::string name = n && n->is_string() ? n->as_string() : "";
      const Value* tf = args.get("tasks_from");
      std::string from = tf && tf->is_string() ? tf->as_string() : "main";
      // Ansible accepts "check", "check.yml" or "check.yaml".
      for (const char* ext : {".yml", ".yaml"}) {
        std::string e = ext;
        if (from.size() > e.size() && from.compare(from.size() - e.size(), e.size(), e) == 0)
          from.resize(from.size() - e.size());
      }
      Ctx c = outer;
      inherit(c, task, file);
      if (const Value* apply = args.get("apply"); apply && apply->is_map()) {
        if (const Value* w = apply->get("when")) {
          auto more = strings_of(*w);
          c.r.when.insert(c.r.when.end(), more.begin(), more.end());
        }
      }
      if (is_one_of(k, {"include_role"})) c.r.dynamic = true;
      if (auto l = loop_of(file, task)) c.r.loop = l;
      if (name.empty()) {
        not_followed(c, where, k, "", "no role name");
        return;
      }
      if (templated(from)) {
        not_followed(c, where, k, name + " tasks_from " + from, "templated tasks_from");
        return;
      }
      run_role(where, name, from, Value::map(), c, /*dedup=*/false, k, "", depth + 1);
      return;
    }
  }

  std::optional<std::string> loop_of(const std::string& file, const YAML::Node& task) {
    for (const auto& kv : task) {
      std::string k = kv.first.Scalar();
      if (k == "loop" || k.rfind("with_", 0) == 0) return k + ": " + compact(val(kv.second, file));
    }
    return std::nullopt;
  }

  void record(const std::string& file, const YAML::Node& task, const std::string& key,
              const Ctx& c) {
    Location where = at(file, task);
    std::string id = file + ":" + std::to_string(where.line);
    auto it = index_.find(id);
    if (it == index_.end()) {
      Assertion a;
      a.id = id;
      a.action = key;
      a.module = is_one_of(key, {"assert"}) ? TaskModule::Assert : TaskModule::Fail;
      a.where = where;
      a.role = role_of_file(file);
      Value name = val(task["name"], file);
      if (!name.is_undefined() && !name.is_null()) a.name = compact(name);
      Value args = args_of(file, task, key);
      if (a.module == TaskModule::Assert) {
        if (const Value* t = args.get("that"))
          a.that = strings_of(*t);
        else if (args.get("_raw_params"))
          warn(Error("free-form assert arguments are not parsed", where));
      }
      for (const char* m : {"fail_msg", "msg"}) {
        if (const Value* v = args.get(m); v && !a.msg) a.msg = compact(*v);
      }
      if (auto w = task["when"]) a.when = strings_of(val(w, file));
      if (auto t = task["tags"]) a.tags = strings_of(val(t, file), true);
      if (auto v = task["vars"]) a.vars = val(v, file);
      a.run_once = task["run_once"] ? val(task["run_once"], file) : c.run_once;
      a.ignore_errors = task["ignore_errors"] ? val(task["ignore_errors"], file) : c.ignore_errors;
      a.delegate_to = task["delegate_to"] ? val(task["delegate_to"], file) : c.delegate_to;
      a.any_errors_fatal =
          task["any_errors_fatal"] ? val(task["any_errors_fatal"], file) : c.r.any_errors_fatal;
      a.loop = loop_of(file, task);
      for (const auto& kv : task) {
        std::string lk = kv.first.Scalar();
        if (lk == "loop" || lk.rfind("with_", 0) == 0) {
          a.loop_keyword = lk;
          a.loop_items = val(kv.second, file);
        }
      }
      index_.emplace(id, x_.assertions.size());
      x_.assertions.push_back(std::move(a));
      it = index_.find(id);
    }
    x_.assertions[it->second].reaches.push_back(c.r);
  }

  const Source& tree_;
  ExtractOptions opts_;
  Extraction x_;
  std::unordered_map<std::string, std::optional<YAML::Node>> cache_;
  std::unordered_map<std::string, size_t> index_;
  std::unordered_map<std::string, bool> exists_;
  std::set<std::string> nf_seen_;
  std::unordered_map<std::string, bool> dir_;
  std::vector<std::string> file_stack_;
  std::vector<std::string> pb_stack_;
};

Value strings_value(const std::vector<std::string>& v) {
  List l;
  for (const auto& s : v) l.push_back(Value(s));
  return Value(std::move(l));
}

Value or_null(const Value& v) {
  return v.is_undefined() ? Value() : v;
}

}  // namespace

Result<Extraction> extract_assertions(const Source& tree, const ExtractOptions& opts) {
  Walker w(tree, opts);
  return w.run();
}

Value to_value(const Extraction& x) {
  Map root;
  root.set("tree", x.tree);
  root.set("playbook", x.playbook);
  Map counts;
  counts.set("assertions", static_cast<int64_t>(x.assertions.size()));
  counts.set("assert", static_cast<int64_t>(x.count(TaskModule::Assert)));
  counts.set("fail", static_cast<int64_t>(x.count(TaskModule::Fail)));
  counts.set("plays", static_cast<int64_t>(x.plays));
  counts.set("files", static_cast<int64_t>(x.files.size()));
  counts.set("not_followed", static_cast<int64_t>(x.not_followed.size()));
  root.set("counts", Value(std::move(counts)));
  List as;
  for (const auto& a : x.assertions) {
    Map m;
    m.set("id", a.id);
    m.set("module", module_name(a.module));
    m.set("action", a.action);
    m.set("name", a.name);
    m.set("file", a.where.file);
    m.set("line", static_cast<int64_t>(a.where.line));
    m.set("role", a.role);
    m.set("that", strings_value(a.that));
    m.set("when", strings_value(a.when));
    m.set("msg", a.msg ? Value(*a.msg) : Value());
    m.set("run_once", or_null(a.run_once));
    m.set("ignore_errors", or_null(a.ignore_errors));
    m.set("any_errors_fatal", or_null(a.any_errors_fatal));
    m.set("delegate_to", or_null(a.delegate_to));
    if (a.vars.is_map() && !a.vars.as_map().empty()) m.set("vars", a.vars);
    if (a.loop) m.set("loop", *a.loop);
    if (!a.loop_keyword.empty()) {
      m.set("loop_keyword", a.loop_keyword);
      m.set("loop_items", a.loop_items);
    }
    m.set("tags", strings_value(a.tags));
    List rs;
    for (const auto& r : a.reaches) {
      Map rm;
      rm.set("play", r.play);
      rm.set("hosts", r.hosts);
      rm.set("role", r.role);
      rm.set("when", strings_value(r.when));
      rm.set("conditions", strings_value(a.conditions(r)));
      rm.set("tags", strings_value(r.tags));
      if (r.vars.is_map() && !r.vars.as_map().empty()) rm.set("vars", r.vars);
      rm.set("in_rescue", r.in_rescue);
      rm.set("dynamic", r.dynamic);
      if (r.loop) rm.set("loop", *r.loop);
      rm.set("chain", strings_value(r.chain));
      rs.push_back(Value(std::move(rm)));
    }
    m.set("reaches", Value(std::move(rs)));
    as.push_back(Value(std::move(m)));
  }
  root.set("assertions", Value(std::move(as)));
  List nf;
  for (const auto& n : x.not_followed) {
    Map m;
    m.set("file", n.where.file);
    m.set("line", static_cast<int64_t>(n.where.line));
    m.set("keyword", n.keyword);
    m.set("target", n.target);
    m.set("reason", n.reason);
    m.set("role", n.role);
    m.set("when", strings_value(n.when));
    nf.push_back(Value(std::move(m)));
  }
  root.set("not_followed", Value(std::move(nf)));
  List ws;
  for (const auto& w : x.warnings) ws.push_back(Value(w.str()));
  root.set("warnings", Value(std::move(ws)));
  return Value(std::move(root));
}

}  // namespace ksm::preflight
