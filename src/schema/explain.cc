// The changelog between two tags (see explain.h).
#include "schema/explain.h"

#include <algorithm>
#include <cctype>

#include "core/json.h"
#include "core/text.h"
#include "schema/changes.h"

namespace ksm::schema {

namespace {

std::set<std::string> keys(const Value* m) {
  std::set<std::string> out;
  if (m && m->is_map())
    for (const auto& [k, v] : m->as_map()) out.insert(k);
  return out;
}

Value shown(const DefaultView& d) {
  if (!d.present) return Value();
  if (d.known) return d.value;
  return Value(default_text(d));
}

std::string where_of(const DefaultView& d) {
  return d.file.empty() ? std::string() : d.file + (d.line ? ":" + std::to_string(d.line) : "");
}

// A sample line as the operator sees it: "name: value" or "# name: value".
std::string sample_line(const Value& v, std::string_view name) {
  bool commented = false;
  if (const Value* c = v.get("commented"); c && c->is_bool()) commented = c->as_bool();
  std::string text;
  const Value* value = v.get("value");
  if (value)
    text =
        value->is_string() ? json_quote(value->as_string()) : to_json(*value, JsonStyle{true, 0});
  return std::string(commented ? "# " : "") + std::string(name) + ": " + text;
}

std::string sample_file(const Value& v) {
  const Value* f = v.get("file");
  return f && f->is_string() ? f->as_string() : std::string();
}

std::string effect_note(Effect e) {
  switch (e) {
    case Effect::Ignored: return "silently ignored if still set";
    case Effect::Error: return "Kubespray stops with an error if still set";
    case Effect::Optional: return "still read when set (no default any more)";
    case Effect::Internal: return "internal (not an operator setting)";
  }
  return "";
}

bool path_under(const std::string& path, const std::string& dir) {
  return path == dir || path.rfind(dir + "/", 0) == 0;
}

}  // namespace

size_t Explanation::count(std::string_view kind) const {
  return static_cast<size_t>(std::count_if(changes.begin(), changes.end(),
                                           [&](const Change& c) { return c.kind == kind; }));
}

namespace {

// The two tags' facts and the hop's rules, as every step below reads them.
struct Hop {
  const catalog::TagFacts& fa;
  const catalog::TagFacts& fb;
  const Version& va;
  const Version& vb;
  const std::string& to_name;
  const HopRules& rules;
  const Schemas& schemas;
  const InventoryFacts* inv;
  std::set<std::string> da, db, sa, sb;  // defaults and sample variables at each tag

  bool sets(const std::string& name) const { return inv && inv->variables.count(name); }
  std::string inv_where(const std::string& name) const {
    auto it = inv->variables.find(name);
    return it == inv->variables.end() ? std::string() : it->second.str();
  }
};

// Groups renamed, files moved, hosts-file layout changed.
void add_layout_changes(const Hop& h, std::vector<Change>& changes) {
  const InventoryFacts* inv = h.inv;
  for (auto* g : h.rules.group_renames) {
    if (inv && !inv->groups.count(g->from)) continue;
    changes.push_back(
        Change{"group_renamed", "", "", Value(g->from), Value(g->to), false, g->reason, g->source});
  }
  for (auto* m : h.rules.file_moves) {
    if (inv) {
      bool has = std::any_of(inv->files.begin(), inv->files.end(), [&](const std::string& f) {
        return m->dir ? path_under(f, m->from) : f == m->from;
      });
      if (!has) continue;
    }
    std::string note = m->reason + (m->hint.empty() ? "" : " " + m->hint);
    changes.push_back(Change{"file_moved", "", m->from, Value(m->from),
                             m->to.empty() ? Value() : Value(m->to), false, note, m->source});
  }
  for (auto* l : h.rules.layout_changes) {
    if (inv && inv->hosts_layout != l->from_layout) continue;
    changes.push_back(Change{"layout_changed", "", l->hosts_file, Value(l->from_layout),
                             Value(l->to_layout), false, l->reason + " " + join(l->details, " "),
                             l->source});
  }
}

std::set<std::string> sample_files_of(const catalog::TagFacts& f) {
  auto files = f.sample_files();
  return {files.begin(), files.end()};
}

// Sample files added or dropped that no rule explains (mechanical, from versions/).
void add_sample_files(const Hop& h, std::vector<Change>& changes) {
  std::set<std::string> fa_files = sample_files_of(h.fa), fb_files = sample_files_of(h.fb);
  auto covered = [&](const std::string& f, bool old_side) {
    for (auto* m : h.rules.file_moves) {
      const std::string& p = old_side ? m->from : m->to;
      if (p.empty()) continue;
      if (m->dir ? path_under(f, p) : f == p) return true;
    }
    return false;
  };
  for (const auto& f : fb_files)
    if (!fa_files.count(f) && !covered(f, false))
      changes.push_back(Change{"sample_file_added", "", f, Value(), Value(f), false,
                               "new in inventory/sample", ""});
  for (const auto& f : fa_files)
    if (!fb_files.count(f) && !covered(f, true))
      changes.push_back(
          Change{"sample_file_removed", "", f, Value(f), Value(), false,
                 "no longer in inventory/sample (no rule in schemas/ says where it went)", ""});
}

// A rule of this hop that names the variable; none: std::nullopt.
std::optional<Classification> classify_in_hop(const HopRules& rules, const std::string& name) {
  std::optional<Classification> c;
  for (auto* r : rules.variable_renames)
    if (r->from == name) c = Classification{Classification::Kind::Renamed, r, nullptr, nullptr};
  if (!c)
    for (auto* r : rules.restructures)
      if (std::find(r->from.begin(), r->from.end(), name) != r->from.end())
        c = Classification{Classification::Kind::Restructured, nullptr, r, nullptr};
  if (!c)
    for (auto* r : rules.removals)
      if (r->variable == name)
        c = Classification{Classification::Kind::Removed, nullptr, nullptr, r};
  return c;
}

// The restructure's mappings of one variable, "a -> b = v when ... in ... (note); ...".
std::string restructure_how(const Restructure& r, const std::string& name) {
  std::string how;
  for (const auto& m : r.mapping) {
    std::string head = m.from.substr(0, m.from.find_first_of(".[{"));
    if (head != name) continue;
    std::string one = m.from + " -> " + (m.to.empty() ? "(dropped)" : m.to);
    if (!m.value.empty()) one += " = " + m.value;
    if (!m.when.empty()) one += " when " + m.when;
    if (!m.scope.empty()) one += " in " + m.scope;
    if (!m.note.empty()) one += " (" + m.note + ")";
    how += (how.empty() ? "" : "; ") + one;
  }
  return how;
}

// Kind, new value, note and source of a variable that goes away, from its rule.
void describe_departure(Change& ch, const std::optional<Classification>& c,
                        const std::string& name) {
  if (!c) {
    ch.kind = "removed";
    ch.note = "not classified in schemas/ (no rename, restructure or removal rule)";
  } else if (c->kind == Classification::Kind::Renamed) {
    ch.kind = "renamed";
    ch.old_value = Value(name);
    ch.new_value = Value(c->rename->to);
    ch.note = c->rename->reason + " Old name: " + effect_note(c->rename->effect) + ".";
    ch.source = c->rename->source;
  } else if (c->kind == Classification::Kind::Restructured) {
    ch.kind = "restructured";
    ch.new_value = Value(join(c->restructure->to, ", "));
    std::string how = restructure_how(*c->restructure, name);
    ch.note =
        "[" + c->restructure->id + "] " + how + (how.empty() ? "" : ". ") + c->restructure->reason;
    ch.source = c->restructure->source;
  } else {
    ch.kind = "removed";
    std::string en = effect_note(c->removal->effect);
    if (!en.empty()) en[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(en[0])));
    ch.note = c->removal->reason + " " + en + "." +
              (c->removal->replacement.empty() ? "" : " Instead: " + c->removal->replacement + ".");
    ch.source = c->removal->source;
  }
}

// Variables that go away: vanished from the facts, or named by a rule of the
// hop. Returns the names it reported.
std::set<std::string> add_departures(const Hop& h, std::vector<Change>& changes) {
  std::set<std::string> candidates;
  for (const auto& n : h.da)
    if (!h.db.count(n)) candidates.insert(n);
  for (const auto& n : h.sa)
    if (!h.sb.count(n) && !h.db.count(n)) candidates.insert(n);
  for (auto* r : h.rules.variable_renames) candidates.insert(r->from);
  for (auto* r : h.rules.restructures) candidates.insert(r->from.begin(), r->from.end());
  for (auto* r : h.rules.removals) candidates.insert(r->variable);
  std::set<std::string> handled;
  for (const auto& name : candidates) {
    bool in_a = h.da.count(name) || h.sa.count(name);
    if (!in_a && !h.sets(name)) continue;
    if (h.inv && !h.sets(name)) continue;
    // prefer a rule of this hop, else the latest earlier one
    std::optional<Classification> c = classify_in_hop(h.rules, name);
    bool vanished = !h.db.count(name) && !h.sb.count(name);
    if (!c && vanished) c = h.schemas.classify(name, h.vb);
    if (!c && !vanished) continue;  // still there, no rule: not a removal
    DefaultView old = default_at(h.fa, name);
    Change ch;
    ch.variable = name;
    ch.file = h.inv ? h.inv_where(name) : where_of(old);
    if (ch.file.empty() && h.sa.count(name)) ch.file = sample_file(*h.fa.sample_variable(name));
    ch.old_value = shown(old);
    ch.sticky = h.schemas.is_sticky(name);
    describe_departure(ch, c, name);
    handled.insert(name);
    changes.push_back(std::move(ch));
  }
  return handled;
}

// Defaults added and changed.
void add_default_changes(const Hop& h, const std::set<std::string>& handled,
                         std::vector<Change>& changes) {
  std::map<std::string, std::string> renamed_to;
  for (auto* r : h.rules.variable_renames) renamed_to[r->to] = r->from;
  for (const auto& name : h.db) {
    if (handled.count(name)) continue;
    const Sticky* st = h.schemas.sticky_rule(name);
    DefaultView nb = effective_default(h.fb, h.vb, name, st);
    DefaultView oa = effective_default(h.fa, h.va, name, st);
    if (!oa.present) {
      if (h.inv) continue;
      Change ch{"added", name, where_of(nb), Value(), shown(nb), st != nullptr, "", ""};
      if (renamed_to.count(name)) ch.note = "new name of " + renamed_to[name];
      changes.push_back(std::move(ch));
      continue;
    }
    if (nb.checksums || oa.checksums) continue;  // checksum tables: see plan's kube_versions
    auto differ = defaults_differ(oa, nb);
    if (differ && !*differ) continue;
    if (!differ && !oa.known && !nb.known && oa.depends == nb.depends) continue;
    if (h.inv && (!st || h.sets(name))) continue;
    Change ch{"default_changed", name, where_of(nb), shown(oa), shown(nb), st != nullptr, "", ""};
    if (!differ) ch.note = "a template on one side: the effective value may or may not change. ";
    if (oa.implicit)
      ch.note += "Before " + h.to_name +
                 " the variable had no default; the effective value came from templates (" +
                 oa.source + "). ";
    if (st) {
      ch.source = st->source;
      if (oa.known)
        ch.note += "Sticky: upgrade pins " + default_text(oa) + " unless the inventory sets " +
                   name + ". " + st->reason;
      else
        ch.note += "Sticky: set " + name +
                   " to the value the cluster runs (the old default is a template). " + st->reason;
      if (!st->when.empty()) ch.note += " (relevant when " + st->when + ")";
    }
    changes.push_back(std::move(ch));
  }
}

// Sample lines added, changed, moved or dropped.
void add_sample_lines(const Hop& h, const std::set<std::string>& handled,
                      std::vector<Change>& changes) {
  const Value* va_s = h.fa.sample_variables();
  const Value* vb_s = h.fb.sample_variables();
  auto moved_by_rule = [&](const std::string& fa_file, const std::string& fb_file) {
    for (auto* m : h.rules.file_moves) {
      if (m->to.empty()) continue;
      if (m->dir
              ? (path_under(fa_file, m->from) && fb_file == m->to + fa_file.substr(m->from.size()))
              : (fa_file == m->from && fb_file == m->to))
        return true;
    }
    return false;
  };
  for (const auto& name : h.sb) {
    const Value& nvar = *vb_s->get(name);
    if (!h.sa.count(name)) {
      changes.push_back(Change{"sample_changed", name, sample_file(nvar), Value(),
                               Value(sample_line(nvar, name)), h.schemas.is_sticky(name),
                               "new in the sample", ""});
      continue;
    }
    const Value& ovar = *va_s->get(name);
    std::string ol = sample_line(ovar, name), nl = sample_line(nvar, name);
    std::string of = sample_file(ovar), nf = sample_file(nvar);
    bool file_changed = of != nf && !moved_by_rule(of, nf);
    if (ol == nl && !file_changed) continue;
    std::string note;
    if (file_changed) note = "moved from " + of;
    changes.push_back(Change{"sample_changed", name, nf, Value(ol), Value(nl),
                             h.schemas.is_sticky(name), note, ""});
  }
  for (const auto& name : h.sa) {
    if (h.sb.count(name) || handled.count(name)) continue;
    const Value& ovar = *va_s->get(name);
    changes.push_back(Change{"sample_changed", name, sample_file(ovar),
                             Value(sample_line(ovar, name)), Value(), h.schemas.is_sticky(name),
                             "no longer in the sample", ""});
  }
}

}  // namespace

Result<Explanation> explain(ReleaseFacts& facts, const Schemas& schemas, std::string_view from,
                            std::string_view to, const InventoryFacts* inv) {
  const TagRef* a = facts.find(from);
  if (!a) return facts.unknown_tag(from);
  const TagRef* b = facts.find(to);
  if (!b) return facts.unknown_tag(to);
  if (!(a->version < b->version))
    return Error(std::string(to) + " is not after " + std::string(from) +
                 ": explain FROM TO lists what changes going up");
  auto fa = facts.facts(a->name);
  if (!fa) return fa.error();
  auto fb = facts.facts(b->name);
  if (!fb) return fb.error();

  Explanation e;
  e.from = a->name;
  e.to = b->name;
  e.origin = facts.origin();
  if (inv) e.inventory = inv->path;

  HopRules rules = schemas.for_hop(a->version, b->version);
  Hop h{**fa,
        **fb,
        a->version,
        b->version,
        b->name,
        rules,
        schemas,
        inv,
        keys((*fa)->defaults()),
        keys((*fb)->defaults()),
        keys((*fa)->sample_variables()),
        keys((*fb)->sample_variables())};

  add_layout_changes(h, e.changes);
  if (!inv) add_sample_files(h, e.changes);
  std::set<std::string> handled = add_departures(h, e.changes);
  add_default_changes(h, handled, e.changes);
  if (!inv) add_sample_lines(h, handled, e.changes);
  for (auto* adv : rules.advisories) {
    // With -i: only what holds for this inventory (a condition it cannot
    // decide offline is listed, and says so).
    Applies applies = inv && inv->advisory_applies ? inv->advisory_applies(*adv) : Applies::Yes;
    if (applies == Applies::No) continue;
    bool always = adv->condition.empty() || adv->condition == "true";
    std::string when = always ? "" : " when " + adv->condition;
    if (inv && inv->advisory_applies && !always)
      when = applies == Applies::Yes
                 ? " (holds for this inventory: " + adv->condition + ")"
                 : " (cannot be decided from the inventory alone: " + adv->condition + ")";
    e.changes.push_back(Change{"advisory", "", "", Value(), Value(), false,
                               "[" + adv->id + "]" + when + ": " + adv->message, adv->source,
                               severity_name(adv->severity)});
  }
  return e;
}

namespace {

const std::vector<std::pair<std::string, std::string>>& sections() {
  static const std::vector<std::pair<std::string, std::string>> s = {
      {"advisory", "Advisories"},
      {"group_renamed", "Groups renamed"},
      {"file_moved", "Files and folders moved"},
      {"layout_changed", "Hosts file layout"},
      {"sample_file_added", "Sample files added"},
      {"sample_file_removed", "Sample files removed"},
      {"renamed", "Variables renamed"},
      {"restructured", "Variables restructured"},
      {"removed", "Variables removed"},
      {"default_changed", "Defaults changed"},
      {"added", "Variables added"},
      {"sample_changed", "Sample lines changed"},
  };
  return s;
}

std::string val(const Value& v) {
  if (v.is_null()) return "-";
  if (v.is_string()) return v.as_string();
  return to_json(v, JsonStyle{true, 0});
}

}  // namespace

std::string explain_text(const Explanation& e, bool colour) {
  auto paint = [&](const char* ansi, const std::string& s) {
    return colour ? std::string("\033[") + ansi + "m" + s + "\033[0m" : s;
  };
  std::string out = paint("1", "Changes " + e.from + " -> " + e.to) +
                    (e.inventory.empty() ? "" : " touching " + e.inventory) + " (" + e.origin +
                    "): " + std::to_string(e.changes.size()) + "\n";
  for (const auto& [kind, title] : sections()) {
    size_t n = e.count(kind);
    if (!n) continue;
    out += "\n" + paint("1", title + " (" + std::to_string(n) + ")") + "\n";
    for (const auto& c : e.changes) {
      if (c.kind != kind) continue;
      std::string line = "  ";
      if (kind == "advisory") {
        line += paint(c.severity == "error" ? "1;31" : "1;33", c.severity) + " " + c.note;
      } else if (kind == "sample_file_added" || kind == "sample_file_removed") {
        line += c.file;
      } else if (kind == "group_renamed" || kind == "file_moved" || kind == "layout_changed") {
        line += val(c.old_value) + " -> " +
                (c.new_value.is_null() ? "(dropped from the sample)" : val(c.new_value));
        if (!c.note.empty()) line += "\n      " + c.note;
      } else if (kind == "sample_changed") {
        line += c.file + ": " + (c.old_value.is_null() ? "" : val(c.old_value) + "  =>  ") +
                (c.new_value.is_null() ? "(removed)" : val(c.new_value));
        if (!c.note.empty()) line += "  (" + c.note + ")";
      } else {
        line += paint("1", c.variable) + (c.sticky ? paint("35", " [sticky]") : "");
        if (kind == "added")
          line += " = " + val(c.new_value);
        else if (kind == "removed")
          line += c.old_value.is_null() ? "" : " (was " + val(c.old_value) + ")";
        else if (kind == "renamed")
          line += " -> " + val(c.new_value);
        else if (kind == "restructured")
          line += " -> " + val(c.new_value) +
                  (c.old_value.is_null() ? "" : " (was " + val(c.old_value) + ")");
        else
          line += ": " + val(c.old_value) + " -> " + val(c.new_value);
        if (!c.file.empty()) line += "  " + paint("2", c.file);
        if (!c.note.empty()) line += "\n      " + c.note;
      }
      out += line + "\n";
    }
  }
  if (e.changes.empty()) out += "  nothing\n";
  return out;
}

std::string explain_markdown(const Explanation& e) {
  auto cell = [](std::string s) {
    std::string o;
    for (char ch : s) {
      if (ch == '|') o += "\\|";
      else if (ch == '\n') o += "<br>";
      else o += ch;
    }
    return o;
  };
  std::string out = "# Kubespray " + e.from + " -> " + e.to + "\n\n";
  if (!e.inventory.empty()) out += "Only what touches `" + e.inventory + "`.\n\n";
  for (const auto& [kind, title] : sections()) {
    size_t n = e.count(kind);
    if (!n) continue;
    out += "## " + title + " (" + std::to_string(n) +
           ")\n\n| variable | file | old | new | note |\n|---|---|---|---|---|\n";
    for (const auto& c : e.changes) {
      if (c.kind != kind) continue;
      out +=
          "| " +
          cell(c.variable.empty() ? "" : "`" + c.variable + "`" + (c.sticky ? " (sticky)" : "")) +
          " | " + cell(c.file) + " | " +
          cell(c.old_value.is_null() ? "" : "`" + val(c.old_value) + "`") + " | " +
          cell(c.new_value.is_null() ? "" : "`" + val(c.new_value) + "`") + " | " +
          cell((c.severity.empty() ? "" : c.severity + ": ") + c.note) +
          (c.source.empty() ? "" : cell(" (" + c.source + ")")) + " |\n";
    }
    out += "\n";
  }
  return out;
}

Value explain_json(const Explanation& e) {
  List changes;
  for (const auto& c : e.changes)
    changes.push_back(Value(Map{{"kind", Value(c.kind)},
                                {"variable", c.variable.empty() ? Value() : Value(c.variable)},
                                {"file", c.file.empty() ? Value() : Value(c.file)},
                                {"old", c.old_value},
                                {"new", c.new_value},
                                {"sticky", Value(c.sticky)},
                                {"note", c.note.empty() ? Value() : Value(c.note)},
                                {"source", c.source.empty() ? Value() : Value(c.source)},
                                {"severity", c.severity.empty() ? Value() : Value(c.severity)}}));
  Map m{{"from", Value(e.from)}, {"to", Value(e.to)}, {"changes", Value(std::move(changes))}};
  if (!e.inventory.empty()) m.set("inventory", Value(e.inventory));
  return Value(std::move(m));
}

}  // namespace ksm::schema
