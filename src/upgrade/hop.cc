// One hop of upgrade (see hop.h for the steps and their order).
#include "upgrade/hop.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "core/json.h"
#include "core/text.h"
#include "inventory/hosts_file.h"
#include "inventory/layers.h"
#include "inventory/loader.h"
#include "jinja/jinja.h"
#include "schema/advisory_eval.h"
#include "merge/ini_edit.h"
#include "merge/merge3.h"
#include "merge/yaml_edit.h"
#include "sources/knowledge.h"
#include "sources/version.h"
#include "upgrade/effective.h"
#include "upgrade/kube_version_rule.h"
#include "upgrade/restructure.h"
#include "upgrade/ws_inventory.h"
#include "vars/resolver.h"

namespace ksm::upgrade {

namespace {

std::string rule_source(const schema::Rule& r) {
  std::string s = r.where.str();
  if (!r.source.empty()) s += s.empty() ? r.source : " (" + r.source + ")";
  return s;
}

bool is_vars_file(const std::string& rel) {
  bool in_vars = rel.starts_with("group_vars/") || rel.starts_with("host_vars/");
  return in_vars && (rel.ends_with(".yml") || rel.ends_with(".yaml") ||
                     rel.find('.', rel.rfind('/') + 1) == std::string::npos);
}

// One host's effective values as a Jinja context (sticky `when`, implicit
// values, advisory conditions).
class ViewContext : public jinja::Context {
 public:
  ViewContext(EffectiveView& view, const std::string& host) : view_(view), host_(host) {}
  Value lookup(std::string_view n) override { return view_.get(host_, std::string(n)).value; }

 private:
  EffectiveView& view_;
  const std::string& host_;
};

// The hosts the invariant check and the pins evaluate: one per combination
// of groups, names of hosts-file host variables, the values of those in
// `by_value` (the sticky variables) and the whole content of the host's
// host_vars files (individually customized hosts are told apart by what
// their files say). Hosts of one combination differ only in the values of
// per-host settings such as ansible_host or ip; a default that changes
// between tags changes the same way for each of them, so checking one
// finds it (a 1,000-host builder inventory has a handful of classes).
struct HostClasses {
  std::vector<size_t> reps;      // the first host of each class, in host order
  std::vector<size_t> class_of;  // per host: its class, an index into reps
  // The hosts of `rep`'s class that could be told apart by their own files:
  // every member when the class has host_vars files, else `rep` alone.
  std::vector<size_t> with_own_files(const inventory::Inventory& inv, size_t rep) const {
    if (inv.host_vars_files(rep).empty()) return {rep};
    std::vector<size_t> out;
    for (size_t h = 0; h < class_of.size(); ++h)
      if (reps[class_of[h]] == rep) out.push_back(h);
    return out;
  }
};

HostClasses representative_hosts(const inventory::Inventory& inv,
                                 const std::set<std::string>& by_value) {
  std::map<std::string, size_t> seen;
  HostClasses out;
  for (size_t h = 0; h < inv.hosts().size(); ++h) {
    const auto& host = inv.hosts()[h];
    std::string key;
    for (size_t f : inv.host_vars_files(h)) {
      const auto& vf = inv.vars_files[f];
      key += vf.vault_encrypted ? vf.path : to_json(vf.data, {true, 0});
      key += "\n";
    }
    key += "|";
    for (size_t g : inventory::sorted_host_groups(inv, h)) key += std::to_string(g) + ",";
    key += "|";
    std::vector<std::string> names;
    for (const auto& [k, v] : host.vars) names.push_back(k);
    std::sort(names.begin(), names.end());
    for (const auto& n : names) {
      key += n + ",";
      if (by_value.count(n)) key += to_json(*host.vars.find(n), {true, 0}) + ",";
    }
    auto [it, fresh] = seen.emplace(std::move(key), out.reps.size());
    if (fresh) out.reps.push_back(h);
    out.class_of.push_back(it->second);
  }
  return out;
}

class HopRun {
 public:
  HopRun(Workspace& ws, std::string& hosts_file, const HopInput& in)
      : ws_(ws), hosts_(hosts_file), in_(in) {
    hop_.from = in.from.tag;
    hop_.to = in.to.tag;
    rules_ = in.schemas.for_hop(in.from.facts.version(), in.to.facts.version());
    from_groups_ = kubespray().runtime_groups(in.from.facts.version());
    to_groups_ = kubespray().runtime_groups(in.to.facts.version());
  }

  Result<Hop> run() {
    auto before_loaded = load_workspace_inventory(ws_, hosts_, from_groups_);
    if (!before_loaded) return before_loaded.error();
    std::shared_ptr<const inventory::Inventory> before = *before_loaded;
    before_ = std::move(before);
    eff_before_ =
        make_effective_view(*before_, in_.from.tree.get(), in_.from.facts, in_.from.layers);

    if (auto s = group_renames(); !s) return s.error();
    if (auto s = file_moves(); !s) return s.error();
    if (auto s = merge_sample(); !s) return s.error();
    if (auto s = variable_renames(); !s) return s.error();
    if (auto s = restructures(); !s) return s.error();
    removals();
    if (auto s = pins(); !s) return s.error();
    if (auto s = kube_version(); !s) return s.error();
    if (auto s = advisories_and_invariant(); !s) return s.error();
    return std::move(hop_);
  }

 private:
  void change(ChangeKind kind, std::string file, int line, std::string variable, Value old_v,
              Value new_v, std::string reason, std::string source) {
    hop_.changes.push_back(Change{kind, std::move(file), line, std::move(variable),
                                  std::move(old_v), std::move(new_v), std::move(reason),
                                  std::move(source)});
  }
  void note(NoteLevel level, std::string message, std::string source = {}) {
    hop_.notes.push_back(Note{level, std::move(message), std::move(source)});
  }

  // Paths moved during this hop: new path -> path at the start of the hop.
  std::string origin_of(const std::string& rel) const {
    auto it = moved_from_.find(rel);
    return it == moved_from_.end() ? rel : it->second;
  }
  Status move(const std::string& from, const std::string& to) {
    std::vector<std::string> files =
        ws_.has_file(from) ? std::vector<std::string>{from} : ws_.files_under(from);
    if (auto s = ws_.move(from, to); !s) return s;
    std::string pf = from + "/", pt = to + "/";
    for (const auto& f : files) {
      std::string dest = f == from ? to : pt + f.substr(pf.size());
      std::string origin = origin_of(f);
      moved_from_.erase(f);
      moved_from_[dest] = origin;
    }
    prefix_moves_.emplace_back(from, to);
    return {};
  }
  // A path named by a rule, translated through the folder moves done so far.
  std::string translate(std::string path) const {
    for (const auto& [a, b] : prefix_moves_) {
      if (path == a) path = b;
      else if (path.starts_with(a + "/")) path = b + path.substr(a.size());
    }
    return path;
  }

  // --- 1. group renames -----------------------------------------------------
  // In the hosts file, and in every other hosts-like file of the folder
  // (the operator may pass either to ansible-playbook -i).
  Status group_renames() {
    if (rules_.group_renames.empty()) return {};
    // The files the hosts source is made of: the hosts file, or each file
    // of a hosts folder.
    std::set<std::string> done;
    for (const auto& f : before_->files) {
      if (!ws_.has_file(f.path) || !done.insert(f.path).second) continue;
      if (auto s = rename_groups_in(f.path, *before_); !s) return s;
    }
    // (each other hosts-like file is parsed once, here: one that does not
    // parse as an inventory is not one)
    auto others = inventory::hosts_like_files(ws_);
    for (const auto& other : others ? *others : std::vector<std::string>{}) {
      if (done.count(other) || is_sops(*ws_.text(other))) continue;
      auto parsed = inventory::load_hosts({{&ws_, other}});
      if (!parsed) continue;  // not an inventory after all
      if (auto s = rename_groups_in(other, *parsed); !s) return s;
    }
    return rename_group_vars();
  }

  Status rename_groups_in(const std::string& rel, const inventory::Inventory& parsed) {
    const std::string* text = ws_.text(rel);
    if (!text) return Error("hosts file vanished from the workspace: " + rel);
    const inventory::InventoryFile* file = nullptr;
    for (const auto& f : parsed.files)
      if (f.path == rel) file = &f;
    if (!file) return {};
    std::string out;
    if (file->format != inventory::Format::Yaml) {
      auto doc = merge::IniDoc::parse(*text);
      for (const auto* r : rules_.group_renames) {
        bool merged = false;
        for (const auto& rec : doc.rename_group(r->from, r->to, &merged))
          change(ChangeKind::RenameGroup, rel, rec.line, "", Value(rec.old_text),
                 Value(rec.new_text), r->reason, rule_source(*r));
        if (merged)
          note(NoteLevel::Review,
               fmt::format("{} already had a [{}] section beside [{}]; Ansible merges them", rel,
                           r->to, r->from),
               rule_source(*r));
      }
      out = doc.render();
    } else {
      auto doc = merge::YamlDoc::parse(*text);
      // Every `.../children/<old>` key, deepest first so outer renames keep inner paths valid.
      std::vector<std::pair<std::vector<std::string>, const schema::GroupRename*>> todo;
      for (const auto& k : file->yaml_keys) {
        auto pieces = split(k.path, '/');
        std::vector<std::string> parts(pieces.begin(), pieces.end());
        if (parts.size() < 2 || parts[parts.size() - 2] != "children") continue;
        for (const auto* r : rules_.group_renames)
          if (parts.back() == r->from) todo.emplace_back(parts, r);
      }
      std::stable_sort(todo.begin(), todo.end(), [](const auto& a, const auto& b) {
        return a.first.size() > b.first.size();
      });
      for (const auto& [path, r] : todo) {
        auto rec = doc.rename_nested(path, r->to);
        if (!rec) {
          note(NoteLevel::Review, fmt::format("{}: cannot rename group {} to {}: {}", rel, r->from,
                                              r->to, rec.error().message), rule_source(*r));
          continue;
        }
        change(ChangeKind::RenameGroup, rel, rec->line, "", Value(r->from), Value(r->to),
               r->reason, rule_source(*r));
      }
      out = doc.render();
    }
    if (out != *text) ws_.put(rel, out);
    return {};
  }

  Status rename_group_vars() {
    // group_vars named after a renamed group (Ansible reads group_vars/<exact group name>).
    for (const auto* r : rules_.group_renames) {
      for (const char* ext : {"", ".yml", ".yaml", ".json"}) {
        std::string from = "group_vars/" + r->from + ext, to = "group_vars/" + r->to + ext;
        bool present = ws_.has_file(from) || !ws_.files_under(from).empty();
        if (!present) continue;
        if (ws_.has_file(to) || !ws_.files_under(to).empty()) {
          note(NoteLevel::Review,
               fmt::format("{} and {} both exist: group {} is now {}; merge them by hand", from, to,
                           r->from, r->to), rule_source(*r));
          continue;
        }
        if (auto s = move(from, to); !s) return s;
        change(ChangeKind::Move, to, 0, "", Value(from), Value(to),
               "group_vars/" + r->from + " would be ignored once the group is called " + r->to,
               rule_source(*r));
      }
    }
    return {};
  }

  // --- 2. file moves ----------------------------------------------------------
  Status file_moves() {
    for (const auto* m : rules_.file_moves) {
      std::string from = translate(m->from);
      // Already there: a group rename above moved group_vars/<group> itself.
      if (from == m->to) continue;
      bool present = ws_.has_file(from) || !ws_.files_under(from).empty();
      if (!present) continue;
      if (m->to.empty()) {
        note(NoteLevel::Review,
             fmt::format("{} is no longer in the sample at {}; kept as it is. {}", from, in_.to.tag,
                         m->hint),
             rule_source(*m));
        continue;
      }
      if (ws_.has_file(m->to) || (!ws_.has_file(from) && !ws_.files_under(m->to).empty())) {
        note(
            NoteLevel::Review,
            fmt::format("cannot move {} to {}: the target exists; merge them by hand", from, m->to),
            rule_source(*m));
        continue;
      }
      if (auto s = move(from, m->to); !s) return s;
      change(ChangeKind::Move, m->to, 0, "", Value(from), Value(m->to), m->reason, rule_source(*m));
    }
    return {};
  }

  // --- 3. three-way merge with the sample -----------------------------------------
  // What the merge decided by meaning, in the report: the sample's changes
  // and respellings as changes, the operator's values kept as notes; a
  // default the operator removed is judged once the effective values of
  // the new tag are known (removed_defaults).
  void record_decisions(const std::string& rel, const std::vector<merge::MergeTaken>& taken) {
    const std::string sample = kubespray().sample_inventory() + "/" + rel + " @ " + in_.to.tag;
    std::vector<std::string> not_added;
    for (const auto& t : taken) {
      switch (t.kind) {
        case merge::Taken::Sample:
          // old/new: before and after in the operator's file (not set there: undefined).
          change(ChangeKind::Sample, rel, t.line, t.key, t.ours, t.theirs,
                 t.note.empty() ? "taken from the sample at " + in_.to.tag : t.note, sample);
          break;
        case merge::Taken::Respelled:
          change(ChangeKind::Respell, rel, t.line, t.key, Value::undefined(), Value::undefined(),
                 t.note, sample);
          break;
        case merge::Taken::KeptValue:
          // kube_version has its own rule and its own note (kube_version()).
          if (t.key != "kube_version")
            note(NoteLevel::Info,
                 fmt::format("{}:{}: {}: {} at {}", rel, t.line, t.key, t.note, in_.to.tag),
                 sample);
          break;
        case merge::Taken::KeptRemoved:
          removed_.push_back(Removed{rel, t.line, t.key, t.theirs});
          break;
        case merge::Taken::NotAdded:
          not_added.push_back(t.key);
          break;
        case merge::Taken::Ours:
        case merge::Taken::Merged:
          break;
      }
    }
    if (!not_added.empty())
      note(NoteLevel::Info,
           fmt::format(
               "{} keeps only the settings you chose: {} new in the sample at {} not added ({})",
               rel, not_added.size(), in_.to.tag, join(not_added, ", ")),
           sample);
  }

  Status merge_sample() {
    if (in_.from.offline() || in_.to.offline()) {
      note(NoteLevel::Info,
           "no Kubespray clone given: the sample's new comments and documented defaults were not "
           "merged "
           "(renames, moves, pins and checks were applied from versions/ and schemas/)");
      return {};
    }
    const auto& from_files = in_.from.tree->sample().files;
    const auto& to_files = in_.to.tree->sample().files;
    std::set<std::string> from_set(from_files.begin(), from_files.end());
    size_t copies = 0;
    for (const auto& rel : ws_.files()) {
      if (rel == hosts_ || !is_vars_file(rel) || is_sops(*ws_.text(rel))) continue;
      std::string origin = origin_of(rel);
      auto base = in_.from.sample_file(origin);
      if (!base) continue;  // the operator's own file: carried over
      ++copies;
      auto theirs = in_.to.sample_file(rel);
      if (!theirs) continue;  // not in the new sample (file moves said what to do)
      const std::string* ours = ws_.text(rel);
      if (*ours == *theirs) continue;
      auto merged =
          merge::merge3(*base, *ours, *theirs,
                        {"ours (" + rel + ")", "sample " + in_.from.tag, "sample " + in_.to.tag});
      if (!merged) return merged.error().context("merging " + rel);
      if (merged->text == *ours) continue;
      ws_.put(rel, merged->text);
      record_decisions(rel, merged->taken);
      for (const auto& c : merged->conflicts) {
        hop_.conflicts.push_back(
            Conflict{rel, c.line, c.key.empty() ? c.reason : c.key + ": " + c.reason});
      }
    }
    if (auto s = merge_sample_hosts_template(); !s) return s;
    // New sample files, for an inventory that is a copy of the sample.
    if (copies * 2 >= from_files.size() && copies > 0) {
      for (const auto& rel : to_files) {
        if (rel == in_.to.tree->sample().hosts_file || from_set.count(rel) || ws_.has_file(rel))
          continue;
        if (!is_vars_file(rel) || group_vars_target(rel) != rel) continue;
        auto text = in_.to.sample_file(rel);
        if (!text) continue;
        ws_.put(rel, *text);
        change(ChangeKind::AddFile, rel, 0, "", Value::undefined(), Value::undefined(),
               "new in the sample at " + in_.to.tag +
                   " (documents defaults; sets nothing you did not set)",
               kubespray().sample_inventory() + "/" + rel + " @ " + in_.to.tag);
      }
    }
    return {};
  }

  // The sample's all-commented hosts file that `cp -r inventory/sample`
  // left beside the hosts file in use: merged line by line like any
  // sample file while it defines no hosts, so it keeps documenting the
  // tag the inventory is for. Never with markers: on a clash it stays.
  Status merge_sample_hosts_template() {
    const std::string& name = in_.from.tree->sample().hosts_file;
    if (name.empty() || name == hosts_ || !ws_.has_file(name)) return {};
    if (in_.to.tree->sample().hosts_file != name) return {};
    auto base = in_.from.sample_file(name);
    auto theirs = in_.to.sample_file(name);
    const std::string* ours = ws_.text(name);
    if (!base || !theirs || *ours == *theirs) return {};
    auto parsed = inventory::load_hosts({{&ws_, name}});
    if (!parsed || !parsed->hosts().empty()) return {};
    auto merged = merge::merge_lines(*base, *ours, *theirs);
    if (!merged) return merged.error().context("merging " + name);
    if (!merged->clean()) {
      note(NoteLevel::Info,
           fmt::format("{} (the sample's commented hosts file, not used) keeps its text: your "
                       "edits and the sample's at {} touch the same lines",
                       name, in_.to.tag));
      return {};
    }
    ws_.put(name, merged->text);
    change(ChangeKind::Sample, name, 0, "", Value::undefined(), Value::undefined(),
           "the sample's commented hosts file, not used by this inventory, follows the sample at " +
               in_.to.tag,
           kubespray().sample_inventory() + "/" + name + " @ " + in_.to.tag);
    return {};
  }

  // --- 4. variables -------------------------------------------------------------
  Status variable_renames() {
    for (const auto* r : rules_.variable_renames) {
      for (const auto& rel : ws_.files()) {
        if (!is_vars_file(rel)) continue;
        auto doc = merge::YamlDoc::parse(*ws_.text(rel));
        if (!doc.find(r->from)) continue;
        if (is_sops(*ws_.text(rel))) {
          note(NoteLevel::Review,
               fmt::format("{}: {} is renamed {} at {}; the file is SOPS-encrypted and was left "
                           "byte-identical: "
                           "rename the key with `sops {}`",
                           rel, r->from, r->to, in_.to.tag, rel),
               rule_source(*r));
          renamed_[r->from] = r->to;
          continue;
        }
        if (doc.find(r->to)) {
          note(NoteLevel::Review,
               fmt::format("{}: both {} (renamed) and {} are set; keep one", rel, r->from, r->to),
               rule_source(*r));
          continue;
        }
        auto rec = doc.rename(r->from, r->to);
        if (!rec) return rec.error().context(rel);
        ws_.put(rel, doc.render());
        change(ChangeKind::RenameVariable, rel, rec->line, r->to, Value(r->from), Value(r->to),
               r->reason, rule_source(*r));
        renamed_[r->from] = r->to;
      }
    }
    return {};
  }

  Status restructures() {
    for (const auto* r : rules_.restructures) {
      auto s = apply_restructure(*r, ws_, *before_, *eff_before_, in_.to.tag, hop_);
      if (!s) return s;
    }
    return {};
  }

  void removals() {
    if (rules_.removals.empty()) return;
    // Each vars file parsed once for every rule (the workspace does not
    // change in this step).
    std::vector<std::pair<std::string, merge::YamlDoc>> docs;
    for (const auto& rel : ws_.files())
      if (is_vars_file(rel)) docs.emplace_back(rel, merge::YamlDoc::parse(*ws_.text(rel)));
    for (const auto* r : rules_.removals) {
      for (const auto& [rel, doc] : docs) {
        auto e = doc.find(r->variable);
        if (!e) continue;
        NoteLevel level = r->effect == schema::Effect::Error ? NoteLevel::Blocking
                          : r->effect == schema::Effect::Ignored ? NoteLevel::Review
                                                                  : NoteLevel::Info;
        note(level,
             fmt::format("{}:{}: {} is {} at {}{}. {}", rel, e->first + 1, r->variable,
                         r->effect == schema::Effect::Error ? "rejected" : "no longer read",
                         in_.to.tag, r->replacement.empty() ? "" : " (use " + r->replacement + ")",
                         r->reason),
             rule_source(*r));
      }
    }
  }

  // --- 5. pins -------------------------------------------------------------------
  // Whether a vars file applies to host `h` (group_vars/<group>... of one
  // of its groups, or all).
  static bool applies_to(const std::string& file, const inventory::Inventory& inv, size_t h) {
    if (!file.starts_with("group_vars/")) return false;
    std::string group = file.substr(
        11, file.find('/', 11) == std::string::npos ? std::string::npos : file.find('/', 11) - 11);
    for (const char* ext : {".yml", ".yaml", ".json"})
      if (group.ends_with(ext)) group.resize(group.size() - std::string(ext).size());
    if (group == "all") return true;
    for (size_t g : inventory::sorted_host_groups(inv, h))
      if (inv.groups()[g].name == group) return true;
    return false;
  }

  // The file to write for `wanted` (group_vars/<group>/<file>) in this
  // inventory's layout: a group whose variables are one file
  // (group_vars/all.yml) gets them there. Creating group_vars/<group>/
  // beside it would hide that file: Ansible reads the folder and then
  // stops looking.
  std::string group_vars_target(const std::string& wanted) const {
    if (!wanted.starts_with("group_vars/")) return wanted;
    size_t slash = wanted.find('/', 11);
    if (slash == std::string::npos) return wanted;
    std::string dir = wanted.substr(0, slash);
    if (!ws_.files_under(dir).empty()) return wanted;
    for (const char* ext : {"", ".yml", ".yaml"})
      if (ws_.has_file(dir + ext)) return dir + ext;
    return wanted;
  }

  // Where to write a pin for `host`: the file that sets the variable for
  // it now, else the file of the sample that documents it at the new tag
  // when that applies to the host and no other host sets it there (a pin
  // there would change that host's own value); else group_vars/all/all.yml,
  // the lowest layer.
  std::string pin_file(const std::string& name, const inventory::Inventory& inv,
                       const std::string& host) {
    // Where each host's variables are set, computed once per host of this
    // inventory (pins() asks for every changed host and each of the
    // representatives: at 1,000 hosts that was most of a hop).
    if (where_inv_ != &inv) {
      where_inv_ = &inv;
      where_.assign(inv.hosts().size(), std::nullopt);
      where_reps_ = representative_hosts(inv, {}).reps;
    }
    auto set_in = [&](size_t h) {
      if (!where_[h]) {
        where_[h].emplace();
        (void)inventory::host_vars(inv, h, &*where_[h]);
      }
      auto w = where_[h]->find(name);
      return w == where_[h]->end() ? std::string() : w->second.file;
    };
    const auto& hosts = inv.hosts();
    auto found = inv.host_index(host);
    if (!found) return group_vars_target("group_vars/all/all.yml");
    size_t idx = *found;
    std::string own = set_in(idx);
    if (is_vars_file(own) && ws_.has_file(own) && !is_sops(*ws_.text(own))) return own;
    std::string file = "group_vars/k8s_cluster/k8s-cluster.yml";
    if (const Value* s = in_.to.facts.sample_variable(name)) {
      if (const Value* f = s->get("file"); f && f->is_string()) file = f->as_string();
    }
    if (!applies_to(file, inv, idx)) return group_vars_target("group_vars/all/all.yml");
    for (size_t h : where_reps_)
      if (hosts[h].name != host && set_in(h) == file)
        return group_vars_target("group_vars/all/all.yml");
    return group_vars_target(file);
  }

  Value sticky_value(EffectiveView& view, const Release& rel, const schema::Sticky& s,
                     const std::string& host) {
    Effective e = view.get(host, s.variable);
    if (!e.value.is_undefined()) return e.value;
    if (const auto* imp = s.implicit_at(rel.facts.version())) {
      if (imp->value.is_string() && jinja::is_possibly_template(imp->value.as_string())) {
        auto t = jinja::parse_template(imp->value.as_string(), "implicit " + s.variable);
        if (!t) return Value::unknown(t.error().message);
        ViewContext ctx(view, host);
        return jinja::template_value(imp->value, ctx);
      }
      return imp->value;
    }
    return Value::undefined();
  }

  bool sticky_applies(EffectiveView& view, const schema::Sticky& s, const std::string& host) {
    if (s.when.empty()) return true;
    auto expr = jinja::parse_expression(s.when, "sticky " + s.variable);
    if (!expr) return true;
    ViewContext ctx(view, host);
    Value r = jinja::render(*expr, ctx);
    if (r.is_bool()) return r.as_bool();
    return true;  // unknown: check it
  }

  // Default lines the operator removed and the sample changed: they stay
  // removed; what applies instead is said, and whether it is what the
  // sample now writes. Sticky settings are the pins' to keep.
  void removed_defaults(EffectiveView& eff, const std::vector<size_t>& reps) {
    if (removed_.empty() || reps.empty()) return;
    const std::string& host = before_->hosts()[reps.front()].name;
    const auto sticky = sticky_names();
    for (const auto& r : removed_) {
      std::string where = r.line ? fmt::format("{}:{}", r.file, r.line) : r.file;
      if (sticky.count(r.key)) {
        note(NoteLevel::Info,
             fmt::format(
                 "{}: {} stays removed, as you had it; it is a setting of the running cluster, "
                 "kept by a pin if its default moves at {}",
                 where, r.key, in_.to.tag));
        continue;
      }
      Effective now = eff.get(host, r.key);
      Value sample = r.sample;
      if (sample.is_string() && jinja::is_possibly_template(sample.as_string())) {
        ViewContext ctx(eff, host);
        sample = jinja::template_value(sample, ctx);
      }
      std::string shown = now.value.is_undefined() ? "(unset)" : to_json(now.value, {true, 0});
      if (r.sample.is_undefined() || now.value == sample) {
        note(NoteLevel::Info, fmt::format("{}: {} stays removed, as you had it: at {} it is {} "
                                          "anyway, as the sample's line says",
                                          where, r.key, in_.to.tag, shown));
        continue;
      }
      note(NoteLevel::Review, fmt::format("{}: {} stays removed, as you had it, so {} applies at "
                                          "{}{}; the sample's line now sets "
                                          "{}: add the line back if you want that",
                                          where, r.key, shown, in_.to.tag,
                                          now.source.empty() ? "" : " (" + now.source + ")",
                                          to_json(r.sample, {true, 0})));
    }
  }

  Status pins() {
    where_inv_ = nullptr;  // pin_file's cache is for this pass's inventory only
    auto after_loaded = load_workspace_inventory(ws_, hosts_, to_groups_);
    if (!after_loaded) return after_loaded.error();
    std::shared_ptr<const inventory::Inventory> after = *after_loaded;
    auto eff_after = make_effective_view(*after, in_.to.tree.get(), in_.to.facts, in_.to.layers);
    const auto& reps = before_classes().reps;
    removed_defaults(*eff_after, reps);
    for (const auto& s : in_.schemas.sticky) {
      // Per host: the value the running cluster has (A) and what B would deploy.
      std::optional<Value> pin;
      std::string pin_source;
      std::vector<size_t> changed;  // the representatives whose value would change
      Value new_value;
      bool disagree = false, unknown = false;
      std::string unknown_reason;
      for (size_t hi : reps) {
        const auto& h = before_->hosts()[hi];
        if (!after->host(h.name)) continue;
        if (!sticky_applies(*eff_before_, s, h.name)) continue;
        Value old_v = sticky_value(*eff_before_, in_.from, s, h.name);
        Value new_v = sticky_value(*eff_after, in_.to, s, h.name);
        if (old_v.is_undefined()) continue;
        if (old_v.is_unknown() || new_v.is_unknown()) {
          // A loop in the operator's definition is reported once, with its
          // fix, by the invariant check (advisories_and_invariant).
          if (jinja::is_recursive_loop(old_v) || jinja::is_recursive_loop(new_v)) continue;
          unknown = true;
          unknown_reason = old_v.is_unknown() ? old_v.unknown_reason() : new_v.unknown_reason();
          continue;
        }
        if (old_v == new_v) continue;
        if (pin && !(*pin == old_v)) disagree = true;
        changed.push_back(hi);
        if (!pin) {
          pin = old_v;
          new_value = new_v;
          pin_source = eff_after->get(h.name, s.variable).source;
        }
      }
      if (unknown && !pin) {
        note(NoteLevel::Review,
             fmt::format("{} (sticky) cannot be compared across {} -> {}: {}; check it stays as "
                         "the cluster runs it",
                         s.variable, in_.from.tag, in_.to.tag, unknown_reason),
             rule_source(s));
        continue;
      }
      if (!pin) continue;
      if (disagree) {
        note(NoteLevel::Review,
             fmt::format("{} (sticky) differs per host and its default changes at {}; pin it per "
                         "host by hand",
                         s.variable, in_.to.tag),
             rule_source(s));
        continue;
      }
      // One pin per file that the changed hosts' values come from (a
      // group's file for its members, the lowest layer for the others).
      std::vector<std::string> files;
      for (size_t rep : changed)
        for (size_t h : before_classes().with_own_files(*before_, rep)) {
          const std::string& name = before_->hosts()[h].name;
          if (!after->host(name)) continue;
          std::string f = pin_file(s.variable, *after, name);
          if (std::find(files.begin(), files.end(), f) == files.end()) files.push_back(f);
        }
      for (const auto& file : files)
        if (auto st = write_pin(s, file, *pin, new_value, pin_source); !st) return st;
    }
    return {};
  }

  Status write_pin(const schema::Sticky& s, const std::string& file, const Value& pin,
                   const Value& new_value, const std::string& pin_source) {
    std::string text = ws_.has_file(file) ? *ws_.text(file) : std::string("---\n");
    auto doc = merge::YamlDoc::parse(text);
    std::string why = fmt::format(
        "pinned by kubespray-migrate at {}: keeps {}, what {} deployed with "
        "this inventory (unless changed on the cluster since); {} would "
        "change it to {}",
        in_.to.tag, merge::render_inline(pin).value_or("this value"), in_.from.tag, in_.to.tag,
        merge::render_inline(new_value).value_or("another value"));
    merge::InsertOptions opt;
    opt.comment = why;
    auto rec = doc.upsert(s.variable, pin, opt);
    if (!rec) return rec.error().context(file);
    ws_.put(file, doc.render());
    // Before and after in the operator's file: not set there, then the pin;
    // the tag's own value beside them.
    hop_.changes.push_back(Change{
        .kind = ChangeKind::Pin,
        .file = file,
        .line = rec->line,
        .variable = s.variable,
        .new_value = pin,
        .reason =
            fmt::format("sticky: {}; the cluster runs {} (what {} deploys with this inventory, "
                        "unless it was changed on the cluster since), and {} would change it to "
                        "{} ({})",
                        s.reason, to_json(pin, {true, 0}), in_.from.tag, in_.to.tag,
                        to_json(new_value, {true, 0}), pin_source),
        .source = rule_source(s),
        .tag_value = new_value});
    return {};
  }

  // --- 6. kube_version --------------------------------------------------------------
  // The one-minor rule (kube_version_rule.h) on the inventory's value.
  Status kube_version() {
    auto inv_loaded = load_workspace_inventory(ws_, hosts_, to_groups_);
    if (!inv_loaded) return inv_loaded.error();
    std::shared_ptr<const inventory::Inventory> inv = *inv_loaded;
    if (inv->hosts().empty() || before_->hosts().empty()) return {};
    std::unordered_map<std::string, Location> where;
    auto vars = inventory::host_vars(*inv, 0, &where);
    KubeVersionInput in;
    Value running = eff_before_->get(before_->hosts().front().name, "kube_version").value;
    in.running = running.is_string() ? running.as_string() : in_.from.facts.kube_version();
    in.tag = in_.to.tag;
    in.tag_default = in_.to.facts.kube_version();
    in.installable = in_.to.facts.kube_versions();
    const Value* kv = vars.find("kube_version");
    if (kv && !(kv->is_string() && !jinja::is_possibly_template(kv->as_string()))) {
      note(NoteLevel::Review, fmt::format("{}: kube_version is computed ({}); check that {} "
                                          "installs it and that it is at most one "
                                          "minor above the {} the cluster runs",
                                          where["kube_version"].str(), to_json(*kv, {true, 0}),
                                          in_.to.tag, in.running));
      return {};
    }
    if (kv) {
      in.candidate = kv->as_string();
      const Value* s = in_.to.facts.sample_variable("kube_version");
      const Value* sv = s ? s->get("value") : nullptr;
      in.operators = !(sv && sv->is_string() &&
                       without_v_prefix(sv->as_string()) == without_v_prefix(in.candidate));
    }
    KubeVersionChoice choice = choose_kube_version(in);
    std::string source = in_.to.facts.default_source("kube_version");
    switch (choice.outcome) {
      case KubeVersionChoice::Outcome::Keep:
        note(NoteLevel::Info, "kube_version: " + choice.reason, source);
        return {};
      case KubeVersionChoice::Outcome::Blocked:
        hop_.blocked = true;
        note(NoteLevel::Blocking, "kube_version: " + choice.reason, source);
        return {};
      case KubeVersionChoice::Outcome::Replace:
        break;
    }
    // Written as the tag spells its versions (no 'v' from v2.28: Kubespray adds it to URLs).
    std::string chosen = in_.to.facts.kube_version_prefix().empty()
                             ? without_v_prefix(choice.version)
                             : with_v_prefix(choice.version);
    std::string file = kv && where.count("kube_version")
                           ? where["kube_version"].file
                           : pin_file("kube_version", *inv, inv->hosts().front().name);
    if (!is_vars_file(file) || (ws_.has_file(file) && is_sops(*ws_.text(file)))) {
      hop_.blocked = true;
      note(NoteLevel::Blocking,
           fmt::format("kube_version: {}; set kube_version: {} where it is set ({}), which the "
                       "tool does not edit",
                       choice.reason, chosen, where["kube_version"].str()),
           source);
      return {};
    }
    std::string text = ws_.has_file(file) ? *ws_.text(file) : std::string("---\n");
    auto doc = merge::YamlDoc::parse(text);
    merge::InsertOptions opt;
    opt.comment =
        fmt::format("set by kubespray-migrate at {}: one Kubernetes minor at a time", in_.to.tag);
    auto rec = kv ? doc.set("kube_version", Value(chosen))
                  : doc.upsert("kube_version", Value(chosen), opt);
    if (!rec) return rec.error().context(file);
    ws_.put(file, doc.render());
    // old: the operator's kube_version, unset when the tag's default was used
    // (then tag_value: what the tag would give without this change).
    change(ChangeKind::KubeVersion, file, rec->line, "kube_version", kv ? *kv : Value::undefined(),
           Value(chosen), choice.reason, source);
    if (!kv && !in.tag_default.empty()) hop_.changes.back().tag_value = Value(in.tag_default);
    return {};
  }

  // --- 7. advisories and the invariant -------------------------------------------------
  Status advisories_and_invariant() {
    auto after_loaded = load_workspace_inventory(ws_, hosts_, to_groups_);
    if (!after_loaded) return after_loaded.error();
    std::shared_ptr<const inventory::Inventory> after = *after_loaded;
    auto eff_after = make_effective_view(*after, in_.to.tree.get(), in_.to.facts, in_.to.layers);
    std::string probe = after->hosts().empty() ? "" : after->hosts().front().name;
    std::vector<std::string> unevaluated;
    for (const auto* a : rules_.advisories) {
      bool applies = true;
      // A template inventory has no host to evaluate a condition on.
      if (!a->condition.empty() && probe.empty()) {
        unevaluated.push_back(a->id);
        continue;
      }
      if (!a->condition.empty()) {
        ViewContext ctx(*eff_after, probe);
        applies = schema::evaluate_advisory(*a, ctx).applies != schema::Applies::No;
      }
      if (!applies) continue;
      NoteLevel level = a->severity == schema::Severity::Error ? NoteLevel::Blocking
                        : a->severity == schema::Severity::Warning ? NoteLevel::Review
                                                                   : NoteLevel::Info;
      note(level, a->id + ": " + a->message, rule_source(*a));
    }
    if (probe.empty())
      note(NoteLevel::Review,
           fmt::format(
               "the inventory defines no hosts (a template): its group_vars were migrated, but the "
               "pins "
               "of running-cluster settings, the kube_version rule{} need a host's values and were "
               "not "
               "evaluated; run upgrade on the inventory with its hosts for those",
               unevaluated.empty() ? "" : " and the conditions of " + join(unevaluated, ", ")));
    // Invariant: what the operator set keeps its effective value (under its new name).
    std::set<std::string> explained;
    for (const auto& c : hop_.changes)
      if (!c.variable.empty()) explained.insert(c.variable);
    for (size_t h : before_classes().reps) {
      const std::string& host = before_->hosts()[h].name;
      if (!after->host(host)) {
        note(NoteLevel::Blocking, "host " + host + " is missing from the produced inventory");
        continue;
      }
      auto set_before = inventory::host_vars(*before_, h);
      for (const auto& [name, v] : set_before) {
        std::string now = renamed_.count(name) ? renamed_[name] : name;
        if (explained.count(name) || explained.count(now) || restructured_away(name)) continue;
        Effective before = eff_before_->get(host, name);
        const Value& a = before.value;
        if (jinja::is_recursive_loop(a)) {
          // Not the migration's doing: the input already loops. Ansible stops
          // wherever a task reads it, so it is for the operator to fix.
          note(NoteLevel::Review,
               fmt::format("{} ({}) cannot be evaluated: {}; Ansible stops with \"recursive loop "
                           "detected in "
                           "template string\" wherever a task reads it: fix its definition",
                           name, before.source.empty() ? "set in the inventory" : before.source,
                           a.unknown_reason()));
          explained.insert(name);
          continue;
        }
        Value b = eff_after->get(host, now).value;
        // Unknown parts (a lookup, a fact) cannot be compared: not a finding.
        if (a == b || (!a.is_undefined() && !vars::fully_known(a)) ||
            (!b.is_undefined() && !vars::fully_known(b)))
          continue;
        note(NoteLevel::Review,
             fmt::format("{} on {} changes from {} to {} and no rule explains it; check the merge",
                         name, host, a.is_vault() ? "(vault)" : to_json(a, {true, 0}),
                         b.is_vault()       ? "(vault)"
                         : b.is_undefined() ? "(unset)"
                                            : to_json(b, {true, 0})));
        explained.insert(name);
      }
    }
    return {};
  }

  // The representatives of the inventory before the hop, by the values of
  // the sticky settings (pins() and the invariant check both walk them).
  const HostClasses& before_classes() {
    if (!before_classes_) before_classes_ = representative_hosts(*before_, sticky_names());
    return *before_classes_;
  }

  std::set<std::string> sticky_names() const {
    std::set<std::string> out;
    for (const auto& s : in_.schemas.sticky) out.insert(s.variable);
    return out;
  }

  bool restructured_away(const std::string& name) const {
    for (const auto* r : rules_.restructures)
      if (std::find(r->from.begin(), r->from.end(), name) != r->from.end()) return true;
    return false;
  }

  Workspace& ws_;
  std::string& hosts_;
  const HopInput& in_;
  Hop hop_;
  schema::HopRules rules_;
  // The groups each tag's playbooks build (k8s_cluster from v2.27.0): the
  // inventory before the hop is read with the first, after with the second.
  std::vector<RuntimeGroup> from_groups_, to_groups_;
  std::shared_ptr<const inventory::Inventory> before_;
  std::unique_ptr<EffectiveView> eff_before_;
  std::optional<HostClasses> before_classes_;
  // pin_file's cache: the inventory it was filled for (pins() reads one
  // inventory throughout), where each host's variables are set, its
  // representative hosts.
  const inventory::Inventory* where_inv_ = nullptr;
  std::vector<std::optional<std::unordered_map<std::string, Location>>> where_;
  std::vector<size_t> where_reps_;
  std::map<std::string, std::string> moved_from_;
  std::vector<std::pair<std::string, std::string>> prefix_moves_;
  std::map<std::string, std::string> renamed_;
  // Default lines the operator removed whose sample line changed this hop.
  struct Removed {
    std::string file;
    int line = 0;
    std::string key;
    Value sample = Value::undefined();  // the new sample's value
  };
  std::vector<Removed> removed_;
};

}  // namespace

Result<Hop> run_hop(Workspace& ws, std::string& hosts_file, const HopInput& in) {
  HopRun run(ws, hosts_file, in);
  return run.run();
}

}  // namespace ksm::upgrade
