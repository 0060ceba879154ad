// Sources, folders, plugin choice and group_vars/host_vars (see loader.h).
#include "inventory/loader.h"
#include "inventory/runtime_groups.h"

#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>
#include <yaml-cpp/yaml.h>
#include <algorithm>
#include <cstdlib>
#include <functional>
#include <memory>
#include <unordered_set>

#include "core/fs.h"
#include "core/json.h"
#include "core/transaction.h"
#include "core/yaml.h"
#include "inventory/hostpattern.h"
#include "inventory/ini.h"
#include "inventory/yaml.h"

namespace fs = std::filesystem;

namespace ksm::inventory {

namespace {

bool ends_with(const std::string& s, std::string_view suf) {
  return s.size() >= suf.size() && s.compare(s.size() - suf.size(), suf.size(), suf) == 0;
}

// manager.py IGNORED: hidden files, group_vars/host_vars/vars_plugins, and
// INVENTORY_IGNORE_EXTS (REJECT_EXTS + .orig .ini .cfg .retry).
bool ignored_in_folder(const std::string& name) {
  if (name.empty() || name[0] == '.') return true;
  if (name == "host_vars" || name == "group_vars" || name == "vars_plugins") return true;
  for (const char* ext : {".pyc", ".pyo", ".swp", ".bak", "~", ".rpm", ".md", ".txt", ".rst",
                          ".orig", ".ini", ".cfg", ".retry"})
    if (ends_with(name, ext)) return true;
  return false;
}

// os.path.splitext's extension (a leading dot does not start one).
std::string extension(const std::string& name) {
  size_t dot = name.rfind('.');
  if (dot == std::string::npos) return "";
  size_t start = name.find_first_not_of('.');
  if (start == std::string::npos || dot < start) return "";
  return name.substr(dot);
}

bool is_yaml_ext(const std::string& ext) {
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

bool vault_file(std::string_view text) {
  text = strip_bom(text);
  return text.substr(0, 14) == "$ANSIBLE_VAULT";
}

// A read error located at the file (a DirSource's already is).
Error read_error(const Source& src, const std::string& path, Error e) {
  if (e.where.file.empty()) e.where = Location{src.display_path(path), 0, 0};
  return e;
}

// A folder whose group_vars/ and host_vars/ apply (the folder of each source).
struct VarsDir {
  const Source* source = nullptr;
  std::string path;  // relative to source
};

Status load_source(Inventory& inv, const Source& src, const std::string& path, bool top,
                   HostsFileMemo* memo) {
  if (!src.exists(path))
    return Error(top ? "no such inventory file or folder" : "cannot read",
                 Location{src.display_path(path), 0, 0});
  if (src.is_dir(path)) {
    auto entries = list_entries(src, path);
    if (!entries)
      return Error("cannot list inventory folder: " + entries.error().message,
                   Location{src.display_path(path), 0, 0});
    for (const auto& e : *entries) {
      if (ignored_in_folder(e.name)) continue;
      if (auto s = load_source(inv, src, join_source_path(path, e.name), false, memo); !s) return s;
    }
    return {};
  }
  return load_hosts_file(inv, src, path, memo);
}

// An inventory with no hosts is valid (a template: ansible-inventory lists
// it), and so is a source Ansible parses nothing from: ansible-inventory
// warns and lists an empty inventory. Commands that need a host say so.
void check_hosts(Inventory& inv, const std::vector<std::string>& sources) {
  if (!inv.hosts().empty() || !inv.files.empty()) return;
  for (const auto& s : sources)
    inv.warnings.push_back(
        Error("Unable to parse " + s +
                  " as an inventory source (folders skip *.ini, *.cfg, *.txt, *.md "
                  "and hidden files, as Ansible does)",
              Location{s, 0, 0}));
  inv.warnings.push_back(Error("No inventory was parsed"));
}

void load_vars_dirs(Inventory& inv, const std::vector<VarsDir>& dirs,
                    std::vector<std::pair<size_t, size_t>>& group_files,
                    std::vector<std::pair<size_t, size_t>>& host_files, Status& status) {
  for (size_t d = 0; d < dirs.size(); ++d) {
    const Source& src = *dirs[d].source;
    for (const char* sub : {"group_vars", "host_vars"}) {
      bool groups = sub[0] == 'g';
      std::string base = join_source_path(dirs[d].path, sub);
      if (!src.exists(base)) continue;
      if (!src.is_dir(base)) {
        inv.warnings.push_back(
            Error(std::string("Found ") + sub + " that is not a directory, skipping",
                  Location{src.display_path(base), 0, 0}));
        continue;
      }
      // One listing; entries that name no group/host are reported, not read.
      std::vector<std::string> names;
      auto entries = list_entries(src, base);
      if (entries)
        for (auto& e : *entries) names.push_back(std::move(e.name));
      std::unordered_set<std::string> listing(names.begin(), names.end());
      std::unordered_set<std::string> used;
      size_t count = groups ? inv.groups().size() : inv.hosts().size();
      for (size_t i = 0; i < count; ++i) {
        const std::string& name = groups ? inv.groups()[i].name : inv.hosts()[i].name;
        if (!name.empty() && name[0] == '/') continue;
        for (const auto& f : find_vars_files(src, base, name, entries ? &listing : nullptr)) {
          std::string rel = f.substr(base.size() + 1);
          used.insert(rel.substr(0, rel.find('/')));
          auto text = src.read(f);
          if (!text) {
            status = read_error(src, f, text.error());
            return;
          }
          auto vf = parse_vars_file(src.display_path(f), std::move(*text));
          if (!vf) {
            status = vf.error();
            return;
          }
          if (vf->vault_encrypted)
            inv.warnings.push_back(
                Error("vault-encrypted file: its variables are not read (no vault password)",
                      Location{vf->path, 0, 0}));
          vf->entity = name;
          vf->for_group = groups;
          vf->vars_dir = d;
          inv.vars_files.push_back(std::move(*vf));
          (groups ? group_files : host_files).emplace_back(i, inv.vars_files.size() - 1);
        }
      }
      for (const auto& n : names)
        if (!used.count(n) && n[0] != '.' && !ends_with(n, "~"))
          inv.unused_vars_entries.push_back(src.display_path(join_source_path(base, n)));
    }
  }
}

// The folder of a source: the folder itself, or the one holding the file.
std::string folder_of(const Source& src, const std::string& path) {
  return src.is_dir(path) ? path : source_parent(path);
}

// Half of an interrupted `upgrade --in-place` is no inventory to read.
Status check_no_journal(const Source& src, const std::string& folder) {
  std::string j = join_source_path(folder, FolderTransaction::kJournal);
  if (!src.exists(j)) return {};
  return Error(
      "an in-place upgrade of this inventory was interrupted: run `kubespray-migrate "
      "upgrade --in-place` on it again to complete it first",
      Location{src.display_path(j), 0, 0});
}

// Ansible's host_list plugin: "host1,host2:2222".
void add_host_list(Inventory& inv, const std::string& list) {
  size_t s = 0;
  while (s <= list.size()) {
    size_t c = list.find(',', s);
    std::string h(py_strip(
        std::string_view(list).substr(s, c == std::string::npos ? std::string::npos : c - s)));
    if (!h.empty()) {
      auto hp = expand_host_pattern(h);
      std::optional<int> port;
      std::string name = h;
      if (hp && hp->hosts.size() == 1) {
        name = hp->hosts[0];
        port = hp->port;
      }
      inv.add_host(name, Inventory::kUngrouped, port);
    }
    if (c == std::string::npos) break;
    s = c + 1;
  }
}

// The hosts files of every input into `inv`, reconciled and checked.
Status load_hosts_into(Inventory& inv, const std::vector<InventoryInput>& inputs,
                       HostsFileMemo* memo) {
  for (const auto& in : inputs) {
    if (!in.source) {
      add_host_list(inv, in.path);
      continue;
    }
    auto path = normalize_source_path(in.path);
    if (!path) return Error(path.error().message, Location{in.source->display_path(in.path), 0, 0});
    if (in.source->exists(*path)) {
      std::string folder = folder_of(*in.source, *path);
      if (auto st = check_no_journal(*in.source, folder); !st) return st.error();
    }
    if (auto st = load_source(inv, *in.source, *path, true, memo); !st) return st.error();
    inv.vars_dirs.emplace_back(in.source->display_path(folder_of(*in.source, *path)));
  }
  inv.reconcile();
  check_hosts(inv, inv.sources);
  return {};
}

}  // namespace

Result<Inventory> load_hosts(const std::vector<InventoryInput>& inputs, HostsFileMemo* memo) {
  Inventory inv;
  for (const auto& in : inputs)
    inv.sources.push_back(in.source ? in.source->display_path(in.path) : in.path);
  if (auto st = load_hosts_into(inv, inputs, memo); !st) return st.error();
  return inv;
}

Result<Inventory> load_vars(Inventory inv, const std::vector<InventoryInput>& inputs) {
  std::vector<VarsDir> dirs;
  for (const auto& in : inputs) {
    if (!in.source) continue;
    auto path = normalize_source_path(in.path);
    if (!path) return Error(path.error().message, Location{in.source->display_path(in.path), 0, 0});
    dirs.push_back({in.source, folder_of(*in.source, *path)});
  }
  std::vector<std::pair<size_t, size_t>> gf, hf;
  Status status;
  load_vars_dirs(inv, dirs, gf, hf, status);
  if (!status) return status.error();
  // Attach in load order (all sources' files for a group, in source order).
  for (auto [g, f] : gf) inv.group_at(g).group_vars_files.push_back(f);
  for (auto [h, f] : hf) inv.add_host_vars_file(h, f);
  return inv;
}

namespace {}  // namespace

std::vector<std::string> find_vars_files(const Source& src, const std::string& dir,
                                         const std::string& name,
                                         const std::unordered_set<std::string>* listing) {
  std::vector<std::string> found;
  std::function<void(const std::string&)> walk = [&](const std::string& d) {
    auto entries = list_entries(src, d);
    if (!entries) return;
    for (const auto& e : *entries) {
      if (e.name[0] == '.' || ends_with(e.name, "~")) continue;
      std::string p = join_source_path(d, e.name);
      std::string ext = extension(e.name);
      if (e.folder && ext.empty())
        walk(p);
      else if (!e.folder && (ext.empty() || is_yaml_ext(ext)))
        found.push_back(p);
    }
  };
  // (a name with a '/' or a dot folder is looked up the long way; one that
  // leaves the tree names nothing in it)
  if (name.find('/') != std::string::npos || name == "." || name == "..") listing = nullptr;
  for (const char* ext : {"", ".yml", ".yaml", ".json"}) {
    if (listing && !listing->count(name + ext)) continue;
    auto p = normalize_source_path(join_source_path(dir, name + ext));
    if (!p || !p->starts_with(dir + "/") || !src.exists(*p)) continue;
    if (src.is_dir(*p))
      walk(*p);
    else
      found.push_back(*p);
    break;
  }
  return found;
}

Result<VarsFile> parse_vars_file(std::string display, std::string text) {
  VarsFile vf;
  vf.path = std::move(display);
  vf.text = std::move(text);
  if (auto st = check_text(vf.text, vf.path); !st) return st.error();
  if (vault_file(vf.text)) {
    vf.vault_encrypted = true;
    return vf;
  }
  std::string_view body = strip_bom(vf.text);
  size_t first = body.find_first_not_of(" \t\r\n");
  std::vector<Error> warnings;
  auto tree = load_yaml_tree(body, vf.path);
  if (!tree) {
    // DataLoader tries JSON first; JSON that yaml-cpp rejects is still fine.
    if (first != std::string_view::npos && (body[first] == '{' || body[first] == '[')) {
      auto j = parse_json(body, vf.path);
      if (j) {
        vf.data = std::move(*j);
        if (!vf.data.is_map())
          return Error("failed to combine variables, expected dicts but got a " +
                       std::string(kind_name(vf.data.kind())), Location{vf.path, 1, 1});
        return vf;
      }
    }
    return tree.error();
  }
  if (first != std::string_view::npos && body[first] == '{') {
    if (auto j = parse_json(body, vf.path)) vf.data = std::move(*j);
  }
  const YamlTree::Id root = tree->root();
  if (vf.data.is_null()) {
    auto v = yaml_tree_to_value(*tree, root, vf.path, &warnings);
    if (!v) return v.error();
    vf.data = std::move(*v);
  }
  bool empty = vf.data.is_null() || (vf.data.is_map() && vf.data.as_map().empty()) ||
               (vf.data.is_list() && vf.data.as_list().empty()) ||
               (vf.data.is_string() && vf.data.as_string().empty()) ||
               (vf.data.is_bool() && !vf.data.as_bool());
  if (empty) {
    vf.data = Value();
    return vf;
  }
  if (!vf.data.is_map())
    return Error("failed to combine variables, expected dicts but got a " +
                     std::string(kind_name(vf.data.kind())),
                 Location{vf.path, 1, 1});
  if (tree->is_map(root)) {
    for (size_t i = 0, n = tree->size(root); i < n; ++i) {
      YamlTree::Id k = tree->key(root, i);
      vf.where[tree->is_scalar(k) ? tree->scalar(k) : ""] = tree->location(k, vf.path);
    }
  }
  return vf;
}

const Inventory* HostsFileMemo::find(const std::string& display, std::string_view text) const {
  auto it = by_path_.find(display);
  return it != by_path_.end() && it->second.text == text ? &it->second.parsed : nullptr;
}

void HostsFileMemo::put(const std::string& display, std::string text, Inventory parsed) {
  by_path_.insert_or_assign(display, Entry{std::move(text), std::move(parsed)});
}

namespace {

// Nothing loaded into it yet but its -i sources (the one state a memoized
// parse can stand for).
bool fresh(const Inventory& inv) {
  return inv.files.empty() && inv.hosts().empty() && inv.groups().size() == 2 &&
         inv.warnings.empty() && inv.vars_dirs.empty() && inv.vars_files.empty() &&
         inv.unused_vars_entries.empty();
}

}  // namespace

Status load_hosts_file(Inventory& inv, const Source& src, const std::string& path,
                       HostsFileMemo* memo) {
  std::string p = src.display_path(path);
  auto text = src.read(path);
  if (!text) return read_error(src, path, text.error());
  const bool memoize = memo && fresh(inv);
  if (memoize) {
    if (const Inventory* parsed = memo->find(p, *text)) {
      auto sources = std::move(inv.sources);
      inv = *parsed;
      inv.sources = std::move(sources);
      return {};
    }
  }
  std::optional<std::string> kept;
  if (memoize) kept = *text;
  if (vault_file(*text))
    return Error("vault-encrypted inventory file: it cannot be read without the vault password",
                 Location{p, 1, 1});
  std::string ext = extension(path.substr(path.rfind('/') + 1));
  if (ext == ".toml")
    return Error(
        "unsupported inventory file type '.toml' (expected INI, or YAML/JSON: .yaml, .yml, .json)",
        Location{p, 0, 0});
  if (auto st = check_text(*text, p); !st) return st.error().context("unsupported inventory file");
  size_t before = inv.files.size();
  Status st;
  if (ext.empty() || is_yaml_ext(ext)) {
    bool not_yaml = false;
    st = parse_yaml_inventory(inv, p, *text, &not_yaml);
    if (!st && not_yaml) {
      // Ansible's plugin chain: the ini plugin takes any file yaml rejected.
      Status ini = parse_ini(inv, p, std::move(*text));
      if (ini || !is_yaml_ext(ext)) st = ini;
    }
  } else {
    st = parse_ini(inv, p, std::move(*text));
  }
  if (auto disk = src.disk_path(path))
    for (size_t i = before; i < inv.files.size(); ++i)
      inv.files.mutable_at(i).disk_path = disk->string();
  if (st && kept) {
    Inventory parsed = inv;
    parsed.sources.clear();
    memo->put(p, std::move(*kept), std::move(parsed));
  }
  return st;
}

Result<Inventory> load_inventory(const std::vector<InventoryInput>& inputs,
                                 const std::vector<RuntimeGroup>& runtime) {
  auto hosts = load_hosts(inputs);
  if (!hosts) return hosts.error();
  add_runtime_groups(*hosts, runtime);
  return load_vars(std::move(*hosts), inputs);
}

Result<Inventory> load_inventory(const Source& source, const std::string& path) {
  return load_inventory(std::vector<InventoryInput>{{&source, path}});
}

DiskInputs::DiskInputs(const std::vector<std::string>& paths) {
  for (const auto& src : paths) {
    std::error_code ec;
    fs::path p(src);
    if (src.find(',') != std::string::npos && !fs::exists(p, ec)) {
      inputs_.push_back({nullptr, src});
      continue;
    }
    bool folder = fs::is_directory(p, ec);
    fs::path root = folder ? p : p.parent_path();
    if (root.empty()) root = ".";
    owned_.push_back(std::make_unique<DirSource>(root));
    inputs_.push_back({owned_.back().get(), folder ? "" : p.filename().string()});
  }
}

Result<Inventory> load_inventory(const std::vector<std::string>& sources,
                                 const std::vector<RuntimeGroup>& runtime) {
  DiskInputs disk(sources);
  auto hosts = load_hosts(disk.inputs());
  if (!hosts) return hosts.error();
  hosts->sources = sources;
  add_runtime_groups(*hosts, runtime);
  return load_vars(std::move(*hosts), disk.inputs());
}

Result<DefaultSources> default_sources() {
  auto split = [](const std::string& v, const fs::path& base) {
    std::vector<std::string> out;
    size_t s = 0;
    while (s <= v.size()) {
      size_t c = v.find(',', s);
      std::string part(py_strip(
          std::string_view(v).substr(s, c == std::string::npos ? std::string::npos : c - s)));
      if (!part.empty()) {
        if (part[0] == '~') {
          const char* home = std::getenv("HOME");
          if (home) part = std::string(home) + part.substr(1);
        }
        fs::path pp(part);
        if (pp.is_relative() && !base.empty()) pp = base / pp;
        out.push_back(pp.lexically_normal().string());
      }
      if (c == std::string::npos) break;
      s = c + 1;
    }
    return out;
  };
  if (const char* env = std::getenv("ANSIBLE_INVENTORY"); env && *env)
    return DefaultSources{split(env, {}), "ANSIBLE_INVENTORY"};

  std::vector<fs::path> candidates;
  std::error_code ec;
  if (const char* cfg = std::getenv("ANSIBLE_CONFIG"); cfg && *cfg) {
    fs::path p(cfg);
    if (fs::is_directory(p, ec)) p /= "ansible.cfg";
    candidates.push_back(p);
  }
  struct stat cwd_st {};
  if (::stat(".", &cwd_st) == 0 && !(cwd_st.st_mode & S_IWOTH))
    candidates.push_back(fs::current_path(ec) / "ansible.cfg");
  if (const char* home = std::getenv("HOME"); home && *home)
    candidates.push_back(fs::path(home) / ".ansible.cfg");
  candidates.push_back("/etc/ansible/ansible.cfg");
  for (const auto& c : candidates) {
    if (!fs::is_regular_file(c, ec)) continue;
    // inih's C API (the library CMake links); last `inventory` in [defaults] wins.
    std::string inv;
    auto handler = [](void* user, const char* section, const char* name, const char* value) -> int {
      if (std::string_view(section) == "defaults" && std::string_view(name) == "inventory")
        *static_cast<std::string*>(user) = value;
      return 1;
    };
    int rc = ini_parse(c.string().c_str(), handler, &inv);
    if (rc < 0) return Error("cannot read Ansible configuration", Location{c.string(), 0, 0});
    if (rc > 0) return Error("invalid ansible.cfg", Location{c.string(), rc, 0});
    if (inv.empty()) break;  // this is the file Ansible reads; it sets no inventory
    return DefaultSources{split(inv, c.parent_path()), c.string()};
  }
  return DefaultSources{{"/etc/ansible/hosts"}, "Ansible's default"};
}

}  // namespace ksm::inventory
