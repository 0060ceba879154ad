// The one-minor-at-a-time upgrade path (see plan.h).
#include "schema/plan.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/text.h"
#include "schema/changes.h"
#include "sources/knowledge.h"

namespace ksm::schema {

namespace {

std::string abbreviate(const std::vector<std::string>& names, size_t keep) {
  if (names.size() <= keep) return join(names, ", ");
  std::vector<std::string> head(names.begin(), names.begin() + static_cast<long>(keep));
  return join(head, ", ") + ", ... (" + std::to_string(names.size() - keep) + " more)";
}

// plan -i: the inventory, its Kubernetes version, and before anything
// else, whether the path needs extra stops or is blocked.
template <typename Paint>
std::string inventory_text(const Plan& p, const Paint& paint) {
  if (p.inventory.empty()) return "";
  std::string out = "  inventory: " + p.inventory + " (the cluster runs Kubernetes " +
                    p.inventory_kube_version + ")";
  out += p.inventory_note.empty() ? "\n" : "; " + p.inventory_note + "\n";
  for (const auto& h : p.hops) {
    if (!h.raise_first.empty())
      out += "  " + paint("1;33", "! extra stop needed") + ": Kubernetes " +
             p.inventory_kube_version + " is too old for " + h.to + " to continue from; stay on " +
             h.from + " and raise Kubernetes first (hop " + h.from + " -> " + h.to + " below)\n";
    if (h.kube_blocked)
      out += "  " + paint("1;31", "! blocked") + " at " + h.to + ": " + h.stop_kube_reason + "\n";
  }
  return out;
}

template <typename Paint>
std::string stop_kube_text(const Plan& p, const PlanHop& h, const Paint& paint) {
  if (p.inventory.empty()) return "";
  std::string out;
  for (const auto& v : h.raise_first)
    out += "   " + paint("1;33", "extra stop") + ": stay on " + h.from +
           " and run " + kubespray().upgrade_playbook() + " -e kube_version=" + v + " first\n";
  if (!h.raise_first.empty()) out += "     (why: " + h.raise_reason + ")\n";
  if (h.kube_blocked)
    return out + "   " + paint("1;31", "blocked") + ": " + h.stop_kube_reason + "\n";
  if (h.stop_kube_version.empty())
    return out + "   your inventory: not reached (an earlier hop is blocked)\n";
  return out + "   your inventory: -e kube_version=" + h.stop_kube_version + " (" +
         h.stop_kube_reason + ")\n";
}

}  // namespace

Result<std::vector<std::string>> plan_stops(const ReleaseFacts& facts, const Schemas& schemas,
                                            std::string_view from, std::string_view to) {
  const TagRef* a = facts.find(from);
  if (!a) return facts.unknown_tag(from);
  const TagRef* b = facts.find(to);
  if (!b) return facts.unknown_tag(to);
  if (!(a->version < b->version))
    return Error("--to " + b->name + " is not after --from " + a->name +
                 " (Kubespray has no downgrades)");
  // minors strictly between, in version order
  std::vector<std::pair<int, int>> minors;
  for (const auto& t : facts.tags()) {
    if (!(a->version < t.version) || !(t.version < b->version)) continue;
    if (t.version.same_minor(a->version) || t.version.same_minor(b->version)) continue;
    std::pair<int, int> m{t.version.major, t.version.minor};
    if (minors.empty() || minors.back() != m) minors.push_back(m);
  }
  std::vector<std::string> stops;
  for (const auto& [maj, min] : minors) {
    const TagRef* best = nullptr;
    const TagRef* best_ok = nullptr;
    for (const auto& t : facts.tags()) {
      if (t.version.major != maj || t.version.minor != min || !t.version.is_release()) continue;
      if (!best || best->version < t.version) best = &t;
      if (schemas.avoided(t.version).empty() && (!best_ok || best_ok->version < t.version))
        best_ok = &t;
    }
    stops.push_back((best_ok ? best_ok : best)->name);
  }
  stops.push_back(b->name);
  return stops;
}

Result<Plan> make_plan(ReleaseFacts& facts, const Schemas& schemas, std::string_view from,
                       std::string_view to) {
  auto stops = plan_stops(facts, schemas, from, to);
  if (!stops) return stops.error();
  Plan p;
  p.from = std::string(from);
  p.to = std::string(to);
  p.origin = facts.origin();
  auto first = facts.facts(p.from);
  if (!first) return first.error();
  p.from_kube_version = (*first)->kube_version();
  std::string prev = p.from;
  std::shared_ptr<const catalog::TagFacts> prev_facts = *first;
  std::set<std::string> shown_open;
  for (const auto& stop : *stops) {
    auto sf = facts.facts(stop);
    if (!sf) return sf.error();
    const Version pv = facts.find(prev)->version;
    const Version sv = facts.find(stop)->version;
    PlanHop h;
    h.from = prev;
    h.to = stop;
    h.date = (*sf)->date();
    h.kube_version = (*sf)->kube_version();
    std::string prev_date = prev_facts->date();
    if (!prev_date.empty() && !h.date.empty() && prev_date > h.date)
      h.notes.push_back(prev + " (" + prev_date + ") was tagged after " + stop + " (" + h.date +
                        "): fixes backported to " + prev + " may be missing from " + stop +
                        " (`explain " + prev + " " + stop + "` lists the differences)");
    for (const auto& [tag, text] : schemas.summaries) {
      auto v = Version::parse_release(tag);
      if (v && pv < *v && !(sv < *v)) h.summaries.push_back(tag + ": " + text);
    }
    HopRules r = schemas.for_hop(pv, sv);
    for (auto* g : r.group_renames)
      h.changes.push_back({"group_renamed", "group " + g->from + " -> " + g->to, g->source});
    for (auto* m : r.file_moves) {
      if (m->to.empty())
        h.changes.push_back(
            {"file_dropped", "sample drops " + m->from + ": " + m->hint, m->source});
      else
        h.changes.push_back({"file_moved",
                             m->from + (m->dir ? "/" : "") + " -> " + m->to + (m->dir ? "/" : ""),
                             m->source});
    }
    for (auto* l : r.layout_changes)
      h.changes.push_back({"layout_changed",
                           "hosts file layout " + l->from_layout + " -> " + l->to_layout + " (" +
                               l->hosts_file + ")",
                           l->source});
    for (auto* s : r.restructures)
      h.changes.push_back({"restructured",
                           s->id + ": " + join(s->from, ", ") + " -> " + join(s->to, ", "),
                           s->source});
    // a rule about a variable the target still defaults (a backport that
    // came back, a default dropped on one branch only) is not a change of this hop
    auto still_there = [&](const std::string& var) { return (*sf)->default_entry(var) != nullptr; };
    for (auto* v : r.variable_renames)
      if (v->effect != Effect::Internal && !still_there(v->from))
        h.changes.push_back({"renamed",
                             v->from + " -> " + v->to +
                                 (v->effect == Effect::Error ? " (the old name is an error)" : ""),
                             v->source});
    // removals: one line per reason (a batch in schemas/), internal helpers left out
    std::vector<std::pair<std::string, std::vector<std::string>>> batches;
    std::map<std::string, size_t> batch_of;
    std::map<std::string, std::string> batch_source;
    for (auto* m : r.removals) {
      if (m->effect == Effect::Internal || still_there(m->variable)) continue;
      auto [it, fresh] = batch_of.emplace(m->reason, batches.size());
      if (fresh) batches.push_back({m->reason, {}});
      batches[it->second].second.push_back(m->variable);
      batch_source[m->reason] = m->source;
    }
    for (const auto& [reason, names] : batches)
      h.changes.push_back({"removed",
                           "removed (" + std::to_string(names.size()) +
                               "): " + abbreviate(names, 4) + ": " + reason,
                           batch_source[reason]});
    for (const auto& c : sticky_changes(schemas, *prev_facts, pv, **sf, sv)) {
      std::string text = "default " + c.rule->variable + ": " + default_text(c.old_default) +
                         " -> " + default_text(c.new_default) + " (sticky: ";
      text += c.pinnable()
                  ? "upgrade pins " + default_text(c.old_default) + " unless the inventory sets it)"
                  : "set it explicitly to the running value)";
      h.changes.push_back({"sticky_default_changed", text, c.rule->source});
    }
    // an advisory for a release and every later one (>=vX) is shown on the
    // first hop it applies to only
    for (auto* adv : r.advisories) {
      bool open_ended = std::any_of(
          adv->releases.begin(), adv->releases.end(),
          [](const ReleasePattern& rp) { return rp.kind == ReleasePattern::Kind::AtLeast; });
      if (open_ended && !shown_open.insert(adv->id).second) continue;
      h.advisories.push_back(adv);
      if (open_ended) h.open_ended.insert(adv->id);
    }
    p.hops.push_back(std::move(h));
    prev = stop;
    prev_facts = *sf;
  }
  return p;
}

std::string plan_text(const Plan& p, bool colour) {
  auto paint = [&](const char* ansi, const std::string& s) {
    return colour ? std::string("\033[") + ansi + "m" + s + "\033[0m" : s;
  };
  std::string out = paint("1", "Upgrade plan " + p.from + " -> " + p.to) + ": " +
                    std::to_string(p.hops.size()) + " hop" + (p.hops.size() == 1 ? "" : "s") +
                    ", one minor at a time (from " + p.origin + ")\n";
  out += "  start: " + p.from + " (Kubernetes " + p.from_kube_version + ")\n";
  out += inventory_text(p, paint);
  int n = 0;
  for (const auto& h : p.hops) {
    out += "\n" + paint("1", std::to_string(++n) + ". " + h.from + " -> " + h.to) +
           "  Kubernetes " + h.kube_version + (h.date.empty() ? "" : "  (tagged " + h.date + ")") +
           "\n";
    out += stop_kube_text(p, h, paint);
    for (const auto& s : h.summaries) out += "   " + paint("2", s) + "\n";
    for (const auto& c : h.changes) out += "   - " + c.text + "\n";
    for (const auto* a : h.advisories) {
      const char* colr = a->severity == Severity::Error     ? "1;31"
                         : a->severity == Severity::Warning ? "1;33"
                                                            : "36";
      out += "   " + paint(colr, std::string("! ") + severity_name(a->severity)) + " [" + a->id +
             "] when " + a->condition + ": " + a->message +
             (h.open_ended.count(a->id) ? " (applies to every later hop too)" : "") + "\n";
    }
    for (const auto& note : h.notes) out += "   note: " + note + "\n";
    if (h.changes.empty() && h.advisories.empty()) out += "   (no schema changes)\n";
  }
  return out;
}

Value plan_json(const Plan& p) {
  List hops;
  for (const auto& h : p.hops) {
    List changes, advisories, summaries, notes;
    for (const auto& c : h.changes)
      changes.push_back(Value(
          Map{{"kind", Value(c.kind)}, {"text", Value(c.text)}, {"source", Value(c.source)}}));
    for (const auto* a : h.advisories)
      advisories.push_back(Value(Map{{"id", Value(a->id)},
                                     {"severity", Value(severity_name(a->severity))},
                                     {"condition", Value(a->condition)},
                                     {"later_hops_too", Value(h.open_ended.count(a->id) > 0)},
                                     {"message", Value(a->message)},
                                     {"source", Value(a->source)}}));
    for (const auto& s : h.summaries) summaries.push_back(Value(s));
    for (const auto& s : h.notes) notes.push_back(Value(s));
    Map hop{{"from", Value(h.from)},           {"to", Value(h.to)},
            {"date", Value(h.date)},           {"kube_version", Value(h.kube_version)},
            {"summaries", Value(summaries)},   {"changes", Value(changes)},
            {"advisories", Value(advisories)}, {"notes", Value(notes)}};
    if (!p.inventory.empty()) {
      List raise;
      for (const auto& v : h.raise_first) raise.push_back(Value(v));
      hop.set("stop_kube_version", Value(h.stop_kube_version));
      hop.set("stop_kube_reason", Value(h.stop_kube_reason));
      hop.set("raise_first", Value(raise));
      hop.set("raise_reason", Value(h.raise_reason));
      hop.set("kube_blocked", Value(h.kube_blocked));
    }
    hops.push_back(Value(std::move(hop)));
  }
  Map doc{{"from", Value(p.from)},
          {"to", Value(p.to)},
          {"from_kube_version", Value(p.from_kube_version)},
          {"origin", Value(p.origin)},
          {"hops", Value(hops)}};
  if (!p.inventory.empty()) {
    doc.set("inventory", Value(p.inventory));
    doc.set("inventory_kube_version", Value(p.inventory_kube_version));
    doc.set("inventory_note", Value(p.inventory_note));
  }
  return Value(std::move(doc));
}

}  // namespace ksm::schema
