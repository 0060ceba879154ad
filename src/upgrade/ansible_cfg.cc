// ansible.cfg across an upgrade (see ansible_cfg.h).
#include "upgrade/ansible_cfg.h"

#include <fmt/format.h>
#include <ini.h>

#include <set>

#include "core/fs.h"
#include "merge/merge3.h"

namespace ksm::upgrade {

Result<std::map<std::string, std::string>> ini_settings(std::string_view text,
                                                        const std::string& name) {
  std::map<std::string, std::string> out;
  std::string buf(text);
  auto handler = [](void* user, const char* section, const char* key, const char* value) -> int {
    (*static_cast<std::map<std::string, std::string>*>(user))[std::string(section) + "." + key] =
        value;
    return 1;
  };
  int rc = ini_parse_string(buf.c_str(), handler, &out);
  if (rc > 0) return Error("invalid INI line", Location{name, rc, 1});
  if (rc < 0) return Error("cannot parse", Location{name});
  return out;
}

Status merge_ansible_cfg_texts(std::string_view base, std::string_view ours,
                               std::string_view theirs, const std::string& from,
                               const std::string& to, Workspace& ws, Hop& hop) {
  // Unchanged, or the clone is already checked out at `to`: nothing of the operator's to carry.
  if (ours == base || ours == theirs) return {};
  auto b = ini_settings(base, "ansible.cfg @ " + from);
  if (!b) return b.error();
  auto o = ini_settings(ours, "ansible.cfg (your clone)");
  if (!o) return o.error();
  auto t = ini_settings(theirs, "ansible.cfg @ " + to);
  if (!t) return t.error();
  auto merged =
      merge::merge_lines(base, ours, theirs, {"yours", "ansible.cfg " + from, "ansible.cfg " + to});
  if (!merged) return merged.error().context("merging ansible.cfg");
  ws.put(kAnsibleCfg, merged->text);

  auto get = [](const std::map<std::string, std::string>& m, const std::string& k) {
    auto it = m.find(k);
    return it == m.end() ? Value::undefined() : Value(it->second);
  };
  std::set<std::string> keys;
  for (const auto* m : {&*b, &*o, &*t})
    for (const auto& [k, v] : *m) keys.insert(k);
  std::string source = "ansible.cfg @ " + to;
  // The merged file's settings: "after" in the report (none where conflict markers stay).
  auto m = merged->conflicts.empty()
               ? ini_settings(merged->text, "ansible.cfg (merged)")
               : Result<std::map<std::string, std::string>>(Error("conflicts"));
  for (const auto& k : keys) {
    Value vb = get(*b, k), vo = get(*o, k), vt = get(*t, k);
    bool mine = !(vo == vb), theirs_changed = !(vt == vb);
    Change c;
    c.kind = ChangeKind::AnsibleCfg;
    c.file = kAnsibleCfg;
    c.variable = k;
    c.source = source;
    // old/new: before and after in the operator's ansible.cfg; tag_value:
    // what the tag's own file has, when the result is not that.
    c.old_value = vo;
    if (mine && theirs_changed && !(vo == vt)) {
      c.new_value = m ? get(*m, k) : Value::undefined();
      c.reason = fmt::format("you changed it and {} changes it too; see the merged file", to);
    } else if (mine) {
      c.new_value = m ? get(*m, k) : vo;
      c.reason = "your setting, kept";
    } else if (theirs_changed) {
      c.new_value = m ? get(*m, k) : vt;
      c.reason = fmt::format("changed by Kubespray between {} and {}, taken", from, to);
    } else {
      continue;
    }
    if (!(c.new_value == vt)) c.tag_value = vt;
    hop.changes.push_back(std::move(c));
  }
  for (const auto& cf : merged->conflicts)
    hop.conflicts.push_back(
        Conflict{kAnsibleCfg, cf.line, cf.reason.empty() ? "ansible.cfg" : cf.reason});
  hop.notes.push_back(
      {NoteLevel::Review,
       fmt::format("your clone's ansible.cfg differs from {}'s: the merge with {}'s is written as "
                   "{} beside the inventory; put it into your checkout of {}",
                   from, to, kAnsibleCfg, to),
       source});
  return {};
}

Status merge_ansible_cfg(const GitRepo& repo, const std::string& from, const std::string& to,
                         Workspace& ws, Hop& hop) {
  if (repo.is_bare()) return {};
  std::filesystem::path mine = repo.work_dir() / kAnsibleCfg;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(mine, ec)) return {};
  auto ours = read_file(mine);
  if (!ours) return ours.error();
  auto a = repo.at(from);
  if (!a) return a.error();
  auto z = repo.at(to);
  if (!z) return z.error();
  auto base = (*a)->read(kAnsibleCfg);
  auto theirs = (*z)->read(kAnsibleCfg);
  if (!base || !theirs) return {};  // a tag without ansible.cfg: nothing to merge against
  return merge_ansible_cfg_texts(*base, *ours, *theirs, from, to, ws, hop);
}

}  // namespace ksm::upgrade
