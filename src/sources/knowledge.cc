// Kubespray's own facts, read from schemas/kubespray.yml (see knowledge.h).
#include "sources/knowledge.h"

#include <cstdio>
#include <cstdlib>

#include "core/exit_status.h"
#include "core/fs.h"
#include "core/json_schema.h"
#include "core/paths.h"
#include "core/yaml.h"

namespace ksm {

namespace {

struct Reader {
  const std::string& file;

  Error fail(const YAML::Node& n, const std::string& msg) const {
    return Error(msg, yaml_location(n, file));
  }

  Result<std::optional<Version>> tag(const YAML::Node& n) const {
    if (!n) return std::optional<Version>();
    auto v = Version::parse_release(n.Scalar());
    if (!v) return fail(n, "'" + n.Scalar() + "' is not a release tag");
    return std::optional<Version>(*v);
  }

  Result<TagRange> range(const YAML::Node& n) const {
    TagRange r;
    auto since = tag(n["since"]);
    if (!since) return since.error();
    auto before = tag(n["before"]);
    if (!before) return before.error();
    r.since = *since;
    r.before = *before;
    if (r.since && r.before && !(*r.since < *r.before))
      return fail(n["before"],
                  "before: " + r.before->str() + " is not after since: " + r.since->str());
    r.source = n["source"].Scalar();
    return r;
  }

  // A name over tags: exactly one current name (no `before`), listed first,
  // and ranges that do not overlap.
  Result<std::vector<NameOverTags>> names(const YAML::Node& n, const std::string& what) const {
    std::vector<NameOverTags> out;
    for (const auto& e : n) {
      auto r = range(e);
      if (!r) return r.error();
      NameOverTags x{e["name"].Scalar(), std::move(*r)};
      if (out.empty() && x.tags.before)
        return fail(e, what + ": the first entry is the current name and has no 'before'");
      if (!out.empty() && !x.tags.before)
        return fail(e, what + ": only the first entry (the current name) may omit 'before'");
      for (const auto& o : out) {
        bool apart = (x.tags.before && o.tags.since && !(*o.tags.since < *x.tags.before)) ||
                     (o.tags.before && x.tags.since && !(*x.tags.since < *o.tags.before));
        if (!apart) return fail(e, what + ": " + x.name + "'s tags overlap " + o.name + "'s");
      }
      out.push_back(std::move(x));
    }
    return out;
  }
};

std::vector<std::string> names_of(const std::vector<NameOverTags>& v) {
  std::vector<std::string> out;
  for (const auto& n : v) out.push_back(n.name);
  return out;
}

const std::string& name_at(const std::vector<NameOverTags>& v, const Version& tag) {
  for (const auto& n : v)
    if (n.tags.holds_at(tag)) return n.name;
  return v.front().name;
}

}  // namespace

bool TagRange::holds_at(const Version& tag) const {
  return (!since || !(tag < *since)) && (!before || tag < *before);
}

Result<KubesprayKnowledge> KubesprayKnowledge::parse(std::string_view text, const std::string& file,
                                                     const JsonSchema& schema) {
  auto node = load_yaml_node(std::string(text), file);
  if (!node) return node.error();
  const YAML::Node& doc = *node;
  if (!doc || doc.IsNull()) return Error("empty file", Location{file, 1, 1});
  if (std::vector<Error> errors = schema.validate(doc, file); !errors.empty())
    return first_problem(errors);
  Reader rd{file};
  KubesprayKnowledge k;
  auto cp = rd.names(doc["control_plane_group"], "control_plane_group");
  if (!cp) return cp.error();
  k.cp_ = std::move(*cp);
  k.cp_names_ = names_of(k.cp_);
  auto roles = rd.names(doc["defaults_role"], "defaults_role");
  if (!roles) return roles.error();
  k.roles_ = std::move(*roles);
  k.role_names_ = names_of(k.roles_);
  k.sample_ = doc["sample_inventory"]["path"].Scalar();
  for (const auto& e : doc["hosts_files"]) k.hosts_files_.push_back(e["name"].Scalar());
  k.playbook_ = doc["upgrade_playbook"]["name"].Scalar();
  k.requirements_ = doc["requirements"]["file"].Scalar();
  auto sym = rd.range(doc["requirements"]["symlink"]);
  if (!sym) return sym.error();
  k.requirements_symlink_ = std::move(*sym);
  for (const auto& e : doc["checksum_tables"]["names"]) k.checksum_tables_.push_back(e.Scalar());
  k.etcd_variable_ = doc["etcd_member_name"]["variable"].Scalar();
  k.etcd_group_ = doc["etcd_member_name"]["group"].Scalar();
  for (const auto& e : doc["runtime_groups"]) {
    auto r = rd.range(e);
    if (!r) return r.error();
    RuntimeGroup g{e["group"].Scalar(), {}, std::move(*r)};
    for (const auto& f : e["from"]) g.from.push_back(f.Scalar());
    k.runtime_.push_back(std::move(g));
  }
  const YAML::Node step = doc["upgrade_steps"]["kubernetes_minors"];
  Value v = yaml11_scalar(step.Scalar());  // an integer: the schema says so
  if (!v.is_int() || v.as_int() < 1 || v.as_int() > 100)
    return rd.fail(step, "upgrade_steps.kubernetes_minors: must be a number of minors from 1");
  k.kubernetes_step_ = static_cast<int>(v.as_int());
  return k;
}

Result<KubesprayKnowledge> KubesprayKnowledge::load(const std::filesystem::path& dir,
                                                    const std::filesystem::path& display_dir) {
  auto js = JsonSchema::load(dir / "kubespray.schema.json");
  if (!js) return js.error();
  auto text = read_file(dir / "kubespray.yml");
  if (!text) return text.error();
  return parse(*text, (display_dir / "kubespray.yml").string(), *js);
}

std::vector<RuntimeGroup> KubesprayKnowledge::runtime_groups(const Version& tag) const {
  std::vector<RuntimeGroup> out;
  for (const auto& g : runtime_)
    if (g.tags.holds_at(tag)) out.push_back(g);
  return out;
}

const std::string& KubesprayKnowledge::control_plane_group(const Version& tag) const {
  return name_at(cp_, tag);
}

const std::string& KubesprayKnowledge::defaults_role(const Version& tag) const {
  return name_at(roles_, tag);
}

bool KubesprayKnowledge::is_defaults_role(std::string_view role) const {
  for (const auto& n : role_names_)
    if (n == role) return true;
  return false;
}

bool KubesprayKnowledge::is_hosts_file_name(std::string_view name) const {
  for (const auto& n : hosts_files_)
    if (n == name) return true;
  return false;
}

namespace {

// Loaded once; the tool's own file is cited as schemas/kubespray.yml.
const Result<KubesprayKnowledge>& loaded() {
  static const Result<KubesprayKnowledge> k = KubesprayKnowledge::load(schemas_dir(), "schemas");
  return k;
}

}  // namespace

Status check_kubespray_knowledge() {
  if (!loaded()) return loaded().error();
  return {};
}

const KubesprayKnowledge& kubespray() {
  if (!loaded()) {
    std::fprintf(stderr, "error: %s\n", loaded().error().str().c_str());
    std::exit(kExitError);
  }
  return *loaded();
}

}  // namespace ksm
