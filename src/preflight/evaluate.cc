// Evaluation of extracted assertions per host (see evaluate.h).
#include "preflight/evaluate.h"

#include <algorithm>
#include <optional>
#include <set>
#include <unordered_map>

#include "core/fs.h"
#include "core/json.h"
#include "jinja/jinja.h"
#include "sources/knowledge.h"
#include "sources/version.h"

namespace ksm::preflight {

using report::Status;

Result<Facts> load_facts(const std::filesystem::path& dir) {
  Facts f;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    return Error(dir.string() + ": not a folder of facts");
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (!e.is_regular_file()) continue;
    std::string host = e.path().filename().string();
    if (host.size() > 5 && host.compare(host.size() - 5, 5, ".json") == 0)
      host.resize(host.size() - 5);
    if (host.empty() || host[0] == '.') continue;
    auto text = read_file(e.path());
    if (!text) return text.error();
    auto v = parse_json(*text, e.path().string());
    if (!v) return v.error();
    const Value* facts = v->get("ansible_facts");
    if (!facts) facts = &*v;
    if (!facts->is_map()) return Error("facts are not a JSON object", Location{e.path().string()});
    Map m;
    for (const auto& [k, val] : facts->as_map())
      m.set(k.rfind("ansible_", 0) == 0 ? k : "ansible_" + k, val);
    f.by_host[host] = std::move(m);
  }
  return f;
}

namespace {

struct LiveValue {
  Value value = Value::undefined();
  std::string provenance;
  const LiveValueRule* rule = nullptr;
};

// Shared by every host context of one evaluation.
struct World {
  const Extraction* x = nullptr;
  TagValues* values = nullptr;
  const Facts* facts = nullptr;
  const ControllerValues* controller = nullptr;
  // While set, a host's evaluation that reads a controller value not known
  // yet stops short and sets `deferred` (the host is evaluated again later).
  bool defer_controller = false;
  bool deferred = false;
  std::map<std::string, LiveValue> live;
  Value groups = Value::map();                            // the `groups` magic variable
  std::map<std::string, std::vector<std::string>> group_names;  // host -> its groups
  std::unordered_map<std::string, Result<jinja::Template>> parsed;
  // Templated values of contexts without task-level vars, shared by every
  // assertion on the same host (first key), role and play hosts (second key).
  std::unordered_map<std::string,
                     std::unordered_map<std::string, std::unordered_map<std::string, Value>>>
      shared;

  const Result<jinja::Template>& parse(const std::string& text) {
    auto it = parsed.find(text);
    if (it != parsed.end()) return it->second;
    Result<jinja::Template> t = jinja::is_possibly_template(text)
                                    ? jinja::parse_template(text, "<when>")
                                    : jinja::parse_expression(text, "<expr>");
    return parsed.emplace(text, std::move(t)).first->second;
  }
};

void init_inventory(World& w, const HostGroups& inv) {
  Map g;
  for (const auto& [name, hosts] : inv.groups) {
    List l;
    for (const auto& h : hosts) {
      l.push_back(Value(h));
      if (name != "all") w.group_names[h].push_back(name);
    }
    g.set(name, Value(std::move(l)));
  }
  if (!g.contains("all")) {
    List l;
    for (const auto& h : inv.hosts) l.push_back(Value(h));
    g.set("all", Value(std::move(l)));
  }
  w.groups = Value(std::move(g));
}

// What a task on one host sees, highest precedence first: loop item, live
// values (set_fact from the cluster), task/include/role/play vars, facts,
// magic variables, the tag's effective values; then run-time variables and
// facts not given are Unknown.
class HostContext : public jinja::Context {
 public:
  HostContext(World& w, std::string host, std::string role, Map overlay,
              const std::vector<std::string>* play_hosts)
      : w_(w), host_(std::move(host)), role_(std::move(role)), overlay_(std::move(overlay)),
        play_hosts_(play_hosts), cache_(&own_) {}

  // Shares templated values with every context of the same key (only for
  // contexts without task-level vars: a value depends on nothing else).
  void share(const std::string& play_key) {
    if (!overlay_.empty()) return;
    cache_ = &w_.shared[host_][role_ + '\x1f' + play_key];
  }

  Value lookup(std::string_view n) override {
    std::string name(n);
    if (auto it = cache_->find(name); it != cache_->end()) return it->second;
    if (std::find(active_.begin(), active_.end(), name) != active_.end())
      return jinja::recursive_loop_error("of '" + name + "'");
    active_.push_back(name);
    Value v = resolve(name);
    active_.pop_back();
    cache_->emplace(name, v);
    return v;
  }

  // Ansible's lone "{{ name }}" shortcut keeps a raw bool or number as it is:
  // the untemplated value where there is one.
  Value lookup_raw(std::string_view n) override {
    std::string name(n);
    if (const Value* v = overlay_.find(name)) return *v;
    if (w_.live.count(name) || fact(name)) return lookup(n);
    report::Variable v = w_.values->lookup(host_, role_, name);
    if (!v.value.is_undefined()) return v.value;
    return lookup(n);
  }

  // Where a value comes from, for findings.
  report::Variable explain(const std::string& name) {
    report::Variable var;
    var.name = name;
    var.value = lookup(name);
    if (auto l = w_.live.find(name); l != w_.live.end()) {
      var.provenance = l->second.provenance;
      return var;
    }
    if (overlay_.contains(name)) {
      var.provenance = "task, include, role or play vars in Kubespray";
      return var;
    }
    if (fact(name)) {
      var.provenance = "gathered facts of " + host_;
      return var;
    }
    report::Variable tv = w_.values->lookup(host_, role_, name);
    tv.value = var.value;
    if (tv.provenance.empty() && tv.value.is_undefined()) tv.provenance = "not set";
    return tv;
  }

  const std::string& host() const { return host_; }

 private:
  const Value* fact(const std::string& name) const {
    if (!w_.facts) return nullptr;
    auto h = w_.facts->by_host.find(host_);
    if (h == w_.facts->by_host.end()) return nullptr;
    return h->second.find(name);
  }

  Value templated(const Value& raw) {
    Value r = jinja::template_value(raw, *this);
    // Templated whole, as Ansible does: an undefined anywhere inside
    // makes the variable undefined.
    if (jinja::contains_undefined_error(r)) return Value::undefined();
    if (!r.is_unknown())
      if (const Value* u = jinja::find_maybe_undefined(r))
        return Value::unknown(
            "whether the variable is defined is not known before the run (a part " +
            u->unknown_reason() + ")");
    return r;
  }

  Value resolve(const std::string& name) {
    if (const Value* v = overlay_.find(name)) return templated(*v);
    if (auto l = w_.live.find(name); l != w_.live.end()) return l->second.value;
    if (const Value* f = fact(name)) return *f;
    if (name == "ansible_facts" && w_.facts) {
      auto h = w_.facts->by_host.find(host_);
      if (h != w_.facts->by_host.end()) {
        Map m;
        for (const auto& [k, v] : h->second) m.set(k.substr(8), v);
        return Value(std::move(m));
      }
    }
    if (name == "inventory_hostname") return Value(host_);
    if (name == "inventory_hostname_short") return Value(host_.substr(0, host_.find('.')));
    if (name == "groups") return w_.groups;
    if (name == "group_names") {
      List l;
      auto it = w_.group_names.find(host_);
      if (it != w_.group_names.end()) {
        std::vector<std::string> names = it->second;
        std::sort(names.begin(), names.end());
        for (const auto& g : names)
          if (g != "ungrouped" || names.size() == 1) l.push_back(Value(g));
      }
      return Value(std::move(l));
    }
    if ((name == "play_hosts" || name == "ansible_play_hosts" || name == "ansible_play_batch" ||
         name == "ansible_play_hosts_all") &&
        play_hosts_) {
      List l;
      for (const auto& h : *play_hosts_) l.push_back(Value(h));
      return Value(std::move(l));
    }
    if (name == "role_name" && !role_.empty()) return Value(role_.substr(role_.rfind('/') + 1));
    if (w_.controller && w_.controller->may_hold(name)) {
      if (w_.defer_controller && !w_.controller->ready()) {
        w_.deferred = true;
        return Value::unknown("'" + name + "' is read once `ansible --version` has answered");
      }
      if (const Value* c = w_.controller->get().find(name)) return *c;
    }
    if (name == "omit") return Value("__omit_place_holder__");
    if (name == "ansible_check_mode") return Value(false);
    report::Variable v = w_.values->lookup(host_, role_, name);
    // hostvars comes templated (each host in its own context): as it is.
    if (name == "hostvars")
      return v.value.is_undefined()
                 ? Value::unknown("hostvars (other hosts' variables) are not known")
                 : v.value;
    if (!v.value.is_undefined()) return templated(v.value);
    if (auto r = w_.x->runtime_vars.find(name); r != w_.x->runtime_vars.end())
      return Value::unknown("'" + name + "' is set during the run (" + r->second.str() + ")");
    if (name.starts_with("ansible_"))
      return Value::unknown("'" + name + "' is a fact gathered during the run (pass --facts DIR)");
    return Value::undefined();
  }

  World& w_;
  std::string host_, role_;
  Map overlay_;
  const std::vector<std::string>* play_hosts_;
  std::unordered_map<std::string, Value> own_;
  std::unordered_map<std::string, Value>* cache_;
  std::vector<std::string> active_;
};

struct Decision {
  std::optional<bool> value;  // nullopt = unknown
  std::string reason;         // for unknown
};

Decision decide(World& w, const std::string& text, HostContext& ctx) {
  const auto& t = w.parse(text);
  if (!t) return {std::nullopt, "cannot parse `" + text + "`: " + t.error().message};
  Value v = jinja::render(*t, ctx);
  if (!t->is_expression()) {
    // A templated conditional: Ansible renders it first, then judges the text.
    if (v.is_string()) {
      const std::string& s = v.as_string();
      std::string trimmed = s;
      trimmed.erase(0, trimmed.find_first_not_of(" \n"));
      while (!trimmed.empty() && (trimmed.back() == ' ' || trimmed.back() == '\n'))
        trimmed.pop_back();
      if (trimmed == "True") return {true, ""};
      if (trimmed == "False") return {false, ""};
      const auto& inner = w.parse(trimmed);
      if (!inner || !inner->is_expression()) return {!trimmed.empty(), ""};
      v = jinja::render(*inner, ctx);
    }
  }
  if (v.is_unknown()) return {std::nullopt, v.unknown_reason()};
  if (v.is_undefined())
    return {std::nullopt, "undefined variable in `" + text + "` (the task would fail)"};
  auto b = jinja::truthy(v);
  if (!b) return {std::nullopt, "cannot judge `" + text + "`"};
  return {*b, ""};
}

// A loop's items, or nullopt (unknown) with a reason.
std::optional<List> loop_items(const Assertion& a, HostContext& ctx, std::string* why) {
  Value items = jinja::template_value(a.loop_items, ctx);
  if (!items.is_list()) {
    if (a.loop_keyword == "with_dict" && items.is_map()) {
      List l;
      for (const auto& [k, v] : items.as_map())
        l.push_back(Value(Map{{"key", Value(k)}, {"value", v}}));
      return l;
    }
    *why = "the loop (" + a.loop_keyword + ") is not known before the run";
    if (items.is_unknown()) *why += ": " + items.unknown_reason();
    return std::nullopt;
  }
  if (a.loop_keyword == "with_items") {  // flattens one level
    List flat;
    for (const auto& e : items.as_list()) {
      if (e.is_list())
        for (const auto& x : e.as_list()) flat.push_back(x);
      else
        flat.push_back(e);
    }
    return flat;
  }
  if (a.loop_keyword == "loop" || a.loop_keyword == "with_list") return items.as_list();
  *why = a.loop_keyword + " is not evaluated";
  return std::nullopt;
}

// One pass (one loop item or none) of an assertion on a host.
HostOutcome run_once_on(World& w, const Assertion& a, const Reach& r, HostContext& ctx) {
  HostOutcome o;
  o.host = ctx.host();
  o.reach = &r;
  std::vector<std::string> unknown_conditions;
  for (const auto& c : a.conditions(r)) {
    Decision d = decide(w, c, ctx);
    if (d.value && !*d.value) {
      o.status = Status::Skipped;
      o.reason = "when: `" + c + "` is false";
      return o;
    }
    if (!d.value) unknown_conditions.push_back(d.reason);
  }
  if (r.in_rescue) {
    o.status = Status::Skipped;
    o.reason = "runs only when its block fails (a rescue)";
    return o;
  }
  bool failed = false;
  std::vector<std::string> unknown_that;
  if (a.module == TaskModule::Fail) {
    failed = true;
    o.failed = a.conditions(r);
  } else {
    for (const auto& t : a.that) {
      Decision d = decide(w, t, ctx);
      if (d.value && !*d.value) {
        failed = true;
        o.failed.push_back(t);
      } else if (!d.value) {
        unknown_that.push_back("`" + t + "`: " + d.reason);
      }
    }
  }
  if (failed && unknown_conditions.empty()) {
    o.status = Status::Fail;
    o.reason = o.failed.empty() ? "" : o.failed.front();
  } else if (failed || !unknown_that.empty() || !unknown_conditions.empty()) {
    o.status = Status::Unknown;
    if (!unknown_conditions.empty())
      o.reason = "whether it runs is unknown: " + unknown_conditions.front();
    else
      o.reason = unknown_that.front();
  } else {
    o.status = Status::Pass;
  }
  if (o.status == Status::Fail && !a.ignore_errors.is_undefined()) {
    Value ig = jinja::template_value(a.ignore_errors, ctx);
    auto b = jinja::truthy(ig);
    o.ignored = b && *b;
  }
  return o;
}

// Digit-only strings of `v` as integers: what a JSON reader gets back from
// an object rendered with `"blockSize": {{ x | int }}`.
Value numbers_as_json_reads(const Value& v) {
  if (v.is_string()) {
    const std::string& t = v.as_string();
    if (!t.empty() && t.size() < 10 && t.find_first_not_of("0123456789") == std::string::npos)
      return Value(static_cast<int64_t>(std::stoll(t)));
    return v;
  }
  if (v.is_list()) {
    List out;
    for (const auto& e : v.as_list()) out.push_back(numbers_as_json_reads(e));
    return Value(std::move(out));
  }
  if (v.is_map()) {
    Map out;
    for (const auto& [k, e] : v.as_map()) out.set(k, numbers_as_json_reads(e));
    return Value(std::move(out));
  }
  return v;
}

void compute_live(World& w, const EvalInputs& in, const HostGroups& inv) {
  auto first_cp = [&](const HostGroups& g) -> std::string {
    for (const auto& name : kubespray().control_plane_groups()) {
      auto it = g.groups.find(name);
      if (it != g.groups.end() && !it->second.empty()) return it->second.front();
    }
    return g.hosts.empty() ? "" : g.hosts.front();
  };
  for (const auto& rule : in.live_rules) {
    LiveValue lv;
    lv.rule = &rule;
    bool done = false;
    if (in.cluster_state) {
      const ClusterState& cs = *in.cluster_state;
      if (const Value* v = cs.variables.find(rule.name)) {
        lv.value = *v;
        lv.provenance = "running cluster, from " + cs.file;
        done = true;
      } else if (!rule.state_kind.empty()) {
        bool any_of_kind = false;
        for (const auto& o : cs.objects)
          if (const Value* k = o.get("kind");
              k && k->is_string() && k->as_string() == rule.state_kind)
            any_of_kind = true;
        if (any_of_kind) {
          World& ww = w;
          HostContext ctx(ww, first_cp(inv), "", Map{}, nullptr);
          Value name = jinja::template_value(Value(rule.state_name), ctx);
          if (name.is_string()) {
            const Value* obj = cs.object(rule.state_kind, name.as_string());
            lv.value = obj ? *obj : Value::undefined();
            lv.provenance = "running cluster, " + rule.state_kind + " " + name.as_string() +
                            (obj ? "" : " (absent)") + " in " + cs.file;
          } else {
            lv.value = Value::unknown("the name of the " + rule.state_kind + " to read is unknown");
            lv.provenance = "running cluster";
          }
          done = true;
        }
      }
    }
    if (!done && in.from) {
      World fw;
      fw.x = w.x;
      fw.values = in.from;
      fw.facts = in.facts;
      fw.controller = &in.controller;
      init_inventory(fw, in.from->inventory());
      std::string host = first_cp(in.from->inventory());
      HostContext ctx(fw, host, "", Map{}, nullptr);
      Decision exists = rule.when.empty() ? Decision{true, ""} : decide(fw, rule.when, ctx);
      std::string pred = "predicted from what " + in.from->tag() + " deployed";
      if (!exists.value) {
        lv.value = Value::unknown("whether " + in.from->tag() +
                                  " created it is unknown: " + exists.reason);
      } else if (!*exists.value) {
        lv.value = Value::undefined();
      } else {
        lv.value = jinja::template_value(rule.value, ctx);
        // Read back as JSON (calicoctl ... -o json): a number Kubespray
        // rendered into the object (blockSize, `| int`) is a number there,
        // while Ansible's templating leaves it as text here.
        if (rule.reads.find("-o json") != std::string::npos)
          lv.value = numbers_as_json_reads(lv.value);
      }
      lv.provenance = pred;
      done = true;
    }
    if (!done) {
      lv.value = Value::unknown("read from the running cluster during the run (" + rule.reads +
                                "): pass --from TAG or --cluster-state FILE");
      lv.provenance = "running cluster (not given)";
    }
    w.live[rule.name] = std::move(lv);
  }
}

Map merged_vars(const Reach& r, const Assertion& a) {
  Map m;
  if (r.vars.is_map())
    for (const auto& [k, v] : r.vars.as_map()) m.set(k, v);
  if (a.vars.is_map())
    for (const auto& [k, v] : a.vars.as_map()) m.set(k, v);
  return m;
}

}  // namespace

// One job: an assertion (through one of its reaches) on one host, its loop
// items each run.
HostOutcome evaluate_job(World& w, const Assertion& a, const Reach& r, const std::string& host,
                         const std::vector<std::string>& play_hosts) {
  HostContext base(w, host, r.role, merged_vars(r, a), &play_hosts);
  base.share(r.hosts);
  if (a.loop_keyword.empty()) return run_once_on(w, a, r, base);
  HostOutcome o;
  std::string why;
  auto items = loop_items(a, base, &why);
  o.host = host;
  o.reach = &r;
  if (!items) {
    o.status = Status::Unknown;
    o.reason = why;
    return o;
  }
  o.status = Status::Skipped;
  o.reason = "the loop is empty";
  for (const auto& item : *items) {
    Map ov = merged_vars(r, a);
    ov.set("item", item);
    HostContext ic(w, host, r.role, std::move(ov), &play_hosts);
    HostOutcome io = run_once_on(w, a, r, ic);
    io.item = item;
    if (report::status_rank(io.status) > report::status_rank(o.status)) o = io;
  }
  return o;
}

Result<std::vector<AssertionOutcome>> evaluate_assertions(const Extraction& x,
                                                          const EvalInputs& in) {
  if (!in.to) return Error("preflight evaluation needs the target tag's values");
  World w;
  w.x = &x;
  w.values = in.to;
  w.facts = in.facts;
  w.controller = &in.controller;
  const HostGroups& inv = in.to->inventory();
  init_inventory(w, inv);
  compute_live(w, in, inv);

  // Which hosts each reach of each assertion runs on (play patterns are
  // selected once per pattern).
  std::map<std::string, std::vector<std::string>> selections;
  struct Job {
    size_t assertion, reach;
  };
  // Host-major: every job of one host is evaluated before the next host,
  // so that host's memoized values can be dropped (10,000 hosts would
  // otherwise keep every host's variables alive at once).
  std::vector<std::string> host_order;
  std::unordered_map<std::string, std::vector<Job>> jobs;
  // Per assertion: hosts in the order Ansible reports them (first reach
  // first), and where each host's outcome goes.
  std::vector<std::vector<std::string>> order(x.assertions.size());
  std::vector<std::unordered_map<std::string, size_t>> slot(x.assertions.size());
  for (size_t ai = 0; ai < x.assertions.size(); ++ai) {
    const Assertion& a = x.assertions[ai];
    for (size_t ri = 0; ri < a.reaches.size(); ++ri) {
      const Reach& r = a.reaches[ri];
      auto sit = selections.find(r.hosts);
      if (sit == selections.end()) {
        auto s = select_hosts(r.hosts, inv);
        if (!s) return s.error().context("hosts: " + r.hosts + " of play '" + r.play + "'");
        // Ansible's implicit localhost (the controller) when the inventory has none.
        if (s->hosts.empty() && (r.hosts == "localhost" || r.hosts == "127.0.0.1"))
          s->hosts.push_back(r.hosts);
        sit = selections.emplace(r.hosts, s->hosts).first;
      }
      const std::vector<std::string>& play_hosts = sit->second;
      Value ro = a.run_once;
      bool once = ro.is_bool() ? ro.as_bool() : false;
      size_t n = once ? std::min<size_t>(1, play_hosts.size()) : play_hosts.size();
      for (size_t i = 0; i < n; ++i) {
        const std::string& host = play_hosts[i];
        auto [it, fresh] = jobs.try_emplace(host);
        if (fresh) host_order.push_back(host);
        it->second.push_back(Job{ai, ri});
        if (slot[ai].emplace(host, order[ai].size()).second) order[ai].push_back(host);
      }
    }
  }

  std::vector<std::vector<std::optional<HostOutcome>>> results(x.assertions.size());
  for (size_t ai = 0; ai < x.assertions.size(); ++ai) results[ai].resize(order[ai].size());
  // One host's jobs in order, each job's outcome (stopping short when the
  // host reads a controller value not known yet).
  auto evaluate_host = [&](const std::string& host) {
    std::vector<std::pair<size_t, HostOutcome>> got;
    for (const Job& job : jobs[host]) {
      const Assertion& a = x.assertions[job.assertion];
      const Reach& r = a.reaches[job.reach];
      got.emplace_back(job.assertion, evaluate_job(w, a, r, host, selections[r.hosts]));
      if (w.deferred) break;
    }
    w.shared.erase(host);
    w.values->release(host);
    return got;
  };
  // A host several reaches run on: the most severe outcome, the first on a tie.
  auto keep = [&](const std::string& host, std::vector<std::pair<size_t, HostOutcome>> got) {
    for (auto& [ai, o] : got) {
      auto& kept = results[ai][slot[ai][host]];
      if (!kept || report::status_rank(o.status) > report::status_rank(kept->status))
        kept = std::move(o);
    }
    jobs.erase(host);
  };
  std::vector<std::string> later;  // hosts that read a controller value before it was known
  w.defer_controller = !in.controller.ready();
  for (const auto& host : host_order) {
    w.deferred = false;
    auto got = evaluate_host(host);
    if (w.deferred) later.push_back(host);
    else keep(host, std::move(got));
  }
  w.defer_controller = false;
  for (const auto& host : later) keep(host, evaluate_host(host));

  std::vector<AssertionOutcome> out;
  out.reserve(x.assertions.size());
  for (size_t ai = 0; ai < x.assertions.size(); ++ai) {
    AssertionOutcome ao;
    ao.assertion = &x.assertions[ai];
    ao.hosts.reserve(order[ai].size());
    for (auto& o : results[ai]) {
      if (report::status_rank(o->status) > report::status_rank(ao.status)) ao.status = o->status;
      ao.hosts.push_back(std::move(*o));
    }
    out.push_back(std::move(ao));
  }
  return out;
}

namespace {

bool magic(const std::string& n) {
  static const std::set<std::string> m = {
      "inventory_hostname", "inventory_hostname_short", "groups", "group_names", "hostvars",
      "play_hosts", "ansible_play_hosts", "ansible_play_batch", "ansible_play_hosts_all",
      "item", "omit", "role_name", "ansible_check_mode", "True", "False", "None", "true",
      "false", "none"};
  return m.count(n) > 0;
}

std::string show(const Value& v) {
  if (v.is_undefined()) return "(not set)";
  if (v.is_unknown()) return "(unknown)";
  if (v.is_vault()) return "(vault-encrypted)";
  return to_python_repr(v);
}

Value report_target(const Extraction& x, const EvalInputs& in) {
  Map target;
  if (in.from) target.set("from", in.from->tag());
  target.set("to", in.to ? in.to->tag() : "");
  target.set("playbook", x.playbook);
  return Value(std::move(target));
}

// The hosts grouped by what decided them, then the play that reaches the first.
void add_deciding_details(report::Finding& f, const AssertionOutcome& ao, const Assertion& a,
                          const std::vector<const HostOutcome*>& deciding) {
  std::map<std::string, std::vector<std::string>> by_reason;
  for (const auto* h : deciding) by_reason[h->reason].push_back(h->host);
  for (const auto& [reason, hosts] : by_reason) {
    std::string hs;
    for (size_t i = 0; i < hosts.size() && i < 5; ++i) hs += (i ? ", " : "") + hosts[i];
    if (hosts.size() > 5) hs += ", ... (" + std::to_string(hosts.size()) + " hosts)";
    std::string what = ao.status == Status::Fail
                           ? (a.module == TaskModule::Fail ? "stops: " : "false: ")
                       : ao.status == Status::Unknown ? "unknown: "
                                                      : "";
    f.details.push_back(what + reason + " [" + hs + "]");
  }
  if (!deciding.empty() && deciding.front()->reach) {
    const Reach& r = *deciding.front()->reach;
    f.details.push_back("in play '" + r.play + "' (hosts: " + r.hosts + ")" +
                        (a.run_once.is_bool() && a.run_once.as_bool() ? ", run_once" : ""));
  }
}

// The variables the expressions read, in order of first use, magic names aside.
std::vector<std::string> names_read(World& w, const std::vector<std::string>& exprs) {
  std::vector<std::string> names;
  for (const auto& e : exprs) {
    const auto& t = w.parse(e);
    if (!t) continue;
    for (const auto& n : jinja::free_names(*t))
      if (!magic(n) && std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  }
  return names;
}

// Each variable, then (up to 5) other deciding hosts where it differs.
void add_variables(report::Finding& f, World& w, const Assertion& a, HostContext& ctx,
                   const std::string& first_host, const std::vector<const HostOutcome*>& deciding,
                   const std::vector<std::string>& names) {
  std::vector<report::Variable> first;
  std::vector<std::vector<report::Variable>> others(names.size());
  for (const auto& n : names) first.push_back(ctx.explain(n));
  size_t open = names.size();
  for (size_t i = 1; i < deciding.size() && open > 0; ++i) {
    const std::string& host = deciding[i]->host;
    {
      HostContext other(w, host, a.role, Map{}, nullptr);
      for (size_t k = 0; k < names.size(); ++k) {
        if (others[k].size() >= 5) continue;
        Value ov = other.lookup(names[k]);
        bool both_unknown = ov.is_unknown() && first[k].value.is_unknown();
        if (both_unknown || ov == first[k].value) continue;
        report::Variable pv = other.explain(names[k]);
        pv.host = host;
        others[k].push_back(std::move(pv));
        if (others[k].size() == 5) --open;
      }
    }
    // A walk over thousands of hosts keeps none of them in memory.
    if (host != first_host) w.values->release(host);
  }
  for (size_t k = 0; k < names.size(); ++k) {
    f.variables.push_back(std::move(first[k]));
    for (auto& pv : others[k]) f.variables.push_back(std::move(pv));
  }
}

// A value compared with the live cluster -> pin it to the live value.
std::vector<std::string> live_value_fixes(World& w, HostContext& ctx,
                                          const std::vector<std::string>& names,
                                          const EvalInputs& in) {
  std::vector<std::string> fixes;
  std::set<std::string> fixed;
  for (const auto& n : names) {
    auto l = w.live.find(n);
    if (l == w.live.end() || !l->second.rule) continue;
    for (const auto& [field, var] : l->second.rule->fields) {
      if (std::find(names.begin(), names.end(), var) == names.end()) continue;
      const Value* live = value_at_path(l->second.value, field);
      if (!live || fixed.count(var)) continue;
      Value mine = ctx.lookup(var);
      // Compared as text: blockSize goes through |int on both sides.
      bool known = !mine.is_undefined() && !mine.is_unknown();
      if (known && to_python_str(mine) == to_python_str(*live)) continue;
      fixed.insert(var);
      // A number the simulation holds as text (blockSize via `| int` in a
      // template) is written as the number calicoctl shows.
      Value pin = *live;
      if (pin.is_string() && !pin.as_string().empty() &&
          pin.as_string().find_first_not_of("0123456789") == std::string::npos &&
          pin.as_string().size() < 10)
        pin = Value(static_cast<int64_t>(std::stoll(pin.as_string())));
      fixes.push_back("set " + var + ": " + to_json(pin, {true, 0}) +
                      " in the inventory (the running cluster has " + field + " = " +
                      to_python_str(*live) + "; " + in.to->tag() + " would use " + show(mine) +
                      ")");
    }
  }
  return fixes;
}

// What the operator can do: pin a live value, change the variables, or gather facts.
std::vector<std::string> fixes_for(World& w, HostContext& ctx, const AssertionOutcome& ao,
                                   const Assertion& a, const HostOutcome& h,
                                   const std::vector<std::string>& names, const EvalInputs& in) {
  std::vector<std::string> fixes;
  if (ao.status == Status::Fail) {
    fixes = live_value_fixes(w, ctx, names, in);
    if (fixes.empty()) {
      if (a.module == TaskModule::Assert && !h.failed.empty())
        fixes.push_back("change the variables above so that `" + h.failed.front() +
                        "` holds on these hosts");
      else if (a.module == TaskModule::Fail)
        fixes.push_back("change the variables above so that the run does not stop here (" +
                        (h.failed.empty() ? std::string("its conditions hold")
                                          : "`" + h.failed.back() + "` holds") +
                        ")");
    }
  } else if (ao.status == Status::Unknown && h.reason.find("--facts") != std::string::npos) {
    fixes.push_back("gather facts (ansible -m setup --tree DIR) and pass --facts DIR");
  }
  return fixes;
}

// Message, variables and fixes, seen from the first deciding host.
void explain_from_first_host(report::Finding& f, World& w, const AssertionOutcome& ao,
                             const Assertion& a, const std::vector<const HostOutcome*>& deciding,
                             const EvalInputs& in) {
  const HostOutcome& h = *deciding.front();
  Map overlay = h.reach ? merged_vars(*h.reach, a) : Map{};
  if (!h.item.is_undefined()) overlay.set("item", h.item);
  HostContext ctx(w, h.host, h.reach ? h.reach->role : a.role, std::move(overlay), nullptr);
  if (a.msg) {
    Value m = jinja::template_value(Value(*a.msg), ctx);
    f.message = m.is_string() ? m.as_string() : *a.msg;
  }
  std::vector<std::string> exprs = h.failed;
  if (ao.status != Status::Fail) {
    exprs = a.that;
    if (h.reach) {
      auto c = a.conditions(*h.reach);
      exprs.insert(exprs.end(), c.begin(), c.end());
    }
  }
  std::vector<std::string> names = names_read(w, exprs);
  add_variables(f, w, a, ctx, h.host, deciding, names);
  std::vector<std::string> fixes = fixes_for(w, ctx, ao, a, h, names, in);
  // How a live value was obtained, once per finding.
  for (const auto& n : names) {
    auto l = w.live.find(n);
    if (l != w.live.end() && l->second.rule && !l->second.rule->caveat.empty() &&
        l->second.provenance.starts_with("predicted"))
      f.details.push_back(n + ": " + l->second.rule->caveat);
  }
  for (size_t i = 0; i < fixes.size(); ++i) f.fix += (i ? "; " : "") + fixes[i];
}

report::Finding finding_of(World& w, const AssertionOutcome& ao, const Extraction& x,
                           const EvalInputs& in, const EvalOptions& opts) {
  const Assertion& a = *ao.assertion;
  report::Finding f;
  f.id = "preflight/" + a.id;
  f.title = a.name.empty() ? std::string(module_name(a.module)) + " at " + a.where.str() : a.name;
  f.group = a.role.empty() ? "playbook" : a.role;
  f.status = ao.status;
  f.source = a.where;
  f.source_label = "kubespray " + (in.to ? in.to->tag() : x.tree);

  std::vector<const HostOutcome*> deciding;
  for (const auto& h : ao.hosts)
    if (h.status == ao.status) deciding.push_back(&h);
  bool all_ignored = !deciding.empty();
  for (const auto* h : deciding) {
    if (f.hosts.size() < opts.max_hosts_listed) f.hosts.push_back(h->host);
    if (!h->ignored) all_ignored = false;
  }
  f.severity = ao.status == Status::Fail && all_ignored ? report::Severity::Warning
                                                        : report::Severity::Error;
  if (ao.status == Status::Pass || ao.status == Status::Skipped)
    f.severity = report::Severity::Info;

  add_deciding_details(f, ao, a, deciding);
  if (!deciding.empty() && in.to) explain_from_first_host(f, w, ao, a, deciding, in);
  if (ao.status == Status::Unknown)
    f.message = "cannot be decided before the run" + (f.message.empty() ? "" : ": " + f.message);
  if (f.message.empty())
    f.message = a.module == TaskModule::Fail ? "the run stops here" : "assertion failed";
  return f;
}

void add_notes(report::Report& rep, const Extraction& x, const EvalInputs& in) {
  if (!x.not_followed.empty()) {
    std::string n = std::to_string(x.not_followed.size()) +
                    " includes were not followed (templated names); assertions behind them were "
                    "not checked: ";
    for (size_t i = 0; i < x.not_followed.size() && i < 5; ++i)
      n += (i ? ", " : "") + x.not_followed[i].where.str() + " " + x.not_followed[i].target;
    rep.notes.push_back(n);
  }
  if (in.to && !in.from && !in.cluster_state && !in.live_rules.empty())
    rep.notes.push_back(
        "values read from the running cluster are unknown: pass --from TAG (or "
        "--cluster-state FILE)");
}

}  // namespace

report::Report build_report(const Extraction& x, const std::vector<AssertionOutcome>& outcomes,
                            const EvalInputs& in, const EvalOptions& opts) {
  report::Report rep;
  rep.command = "preflight";
  rep.target = report_target(x, in);
  rep.source_root = x.tree;

  World w;
  w.x = &x;
  w.values = in.to;
  w.facts = in.facts;
  w.controller = &in.controller;
  if (in.to) {
    init_inventory(w, in.to->inventory());
    compute_live(w, in, in.to->inventory());
  }

  for (const auto& ao : outcomes) {
    if (!opts.include_passed && (ao.status == Status::Pass || ao.status == Status::Skipped))
      continue;
    rep.findings.push_back(finding_of(w, ao, x, in, opts));
  }

  // Fail first, then unknown; in playbook order within each.
  std::stable_sort(rep.findings.begin(), rep.findings.end(),
                   [](const report::Finding& a, const report::Finding& b) {
                     return report::status_rank(a.status) > report::status_rank(b.status);
                   });
  add_notes(rep, x, in);
  return rep;
}

std::map<std::string, LiveValueShown> live_values(const Extraction& x, const EvalInputs& in) {
  std::map<std::string, LiveValueShown> out;
  if (!in.to) return out;
  World w;
  w.x = &x;
  w.values = in.to;
  w.facts = in.facts;
  w.controller = &in.controller;
  init_inventory(w, in.to->inventory());
  compute_live(w, in, in.to->inventory());
  for (const auto& [name, lv] : w.live) out[name] = LiveValueShown{lv.value, lv.provenance};
  return out;
}

Value outcomes_value(const std::vector<AssertionOutcome>& outcomes) {
  List out;
  for (const auto& ao : outcomes) {
    Map a;
    a.set("id", Value(ao.assertion->id));
    a.set("name", Value(ao.assertion->name));
    a.set("status", Value(report::status_name(ao.status)));
    Map hosts;
    for (const auto& h : ao.hosts) {
      Map hm;
      hm.set("status", Value(report::status_name(h.status)));
      hm.set("reason", Value(h.reason));
      hm.set("ignored", Value(h.ignored));
      if (h.reach) hm.set("play", Value(h.reach->play));
      hosts.set(h.host, Value(std::move(hm)));
    }
    a.set("hosts", Value(std::move(hosts)));
    out.push_back(Value(std::move(a)));
  }
  return Value(std::move(out));
}

ControllerValues::ControllerValues(Map known) : values_(std::move(known)) {
  for (const auto& [name, v] : values_) names_.push_back(name);
}

ControllerValues::ControllerValues(std::vector<std::string> names, std::function<Map()> later)
    : names_(std::move(names)), later_(std::move(later)) {}

bool ControllerValues::may_hold(const std::string& name) const {
  return std::find(names_.begin(), names_.end(), name) != names_.end();
}

const Map& ControllerValues::get() const {
  if (later_) {
    values_ = later_();
    later_ = nullptr;
  }
  return values_;
}

Value ansible_version_value(const std::string& out) {
  // "ansible [core 2.14.18]" / "ansible 2.9.27"
  std::string first = out.substr(0, out.find('\n'));
  size_t i = first.find_first_of("0123456789");
  if (first.rfind("ansible", 0) != 0 || i == std::string::npos) return Value::undefined();
  size_t j = first.find_first_not_of("0123456789.", i);
  std::string full = first.substr(i, j == std::string::npos ? std::string::npos : j - i);
  auto v = Version::parse(full);
  if (!v) return Value::undefined();
  return Value(Map{{"string", Value(full)},
                   {"full", Value(full)},
                   {"major", Value(static_cast<int64_t>(v->major))},
                   {"minor", Value(static_cast<int64_t>(v->minor))},
                   {"revision", Value(static_cast<int64_t>(v->patch))}});
}

TemplateResolver resolver_for(TagValues& values) {
  return [&values](const std::string& text, const Reach& r) -> std::optional<std::string> {
    auto sel = select_hosts(r.hosts, values.inventory());
    if (!sel || sel->hosts.empty()) return std::nullopt;
    World w;
    Extraction none;
    w.x = &none;
    w.values = &values;
    init_inventory(w, values.inventory());
    Map ov;
    if (r.vars.is_map())
      for (const auto& [k, v] : r.vars.as_map()) ov.set(k, v);
    std::optional<std::string> first;
    // The same name on every host the reach runs on, or not followed.
    for (const auto& h : sel->hosts) {
      HostContext ctx(w, h, r.role, ov, &sel->hosts);
      Value v = jinja::template_value(Value(text), ctx);
      if (!v.is_string()) return std::nullopt;
      if (!first) first = v.as_string();
      else if (*first != v.as_string()) return std::nullopt;
      if (sel->hosts.size() > 50) break;  // bounded: the first 50 hosts decide
    }
    return first;
  };
}

}  // namespace ksm::preflight
