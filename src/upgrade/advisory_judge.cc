// Advisories judged on the inventory for plan -i and explain -i (see advisory_judge.h).
#include "upgrade/advisory_judge.h"

#include "sources/knowledge.h"
#include "sources/version.h"
#include "upgrade/upgrade.h"
#include "upgrade/workspace.h"
#include "upgrade/ws_inventory.h"

namespace ksm::upgrade {

namespace {

class JudgeContext : public jinja::Context {
 public:
  JudgeContext(EffectiveView& view, std::string host) : view_(view), host_(std::move(host)) {}
  Value lookup(std::string_view n) override { return view_.get(host_, std::string(n)).value; }

 private:
  EffectiveView& view_;
  std::string host_;
};

}  // namespace

Result<std::unique_ptr<AdvisoryJudge>> AdvisoryJudge::open(const std::string& inventory,
                                                           schema::ReleaseFacts& facts) {
  auto where = locate_inventory(inventory);
  if (!where) return where.error();
  auto ws = Workspace::load(where->folder);
  if (!ws) return ws.error();
  // Read once now: a file that does not parse is the command's error.
  auto inv = load_workspace_inventory(*ws, where->hosts_file, {});
  if (!inv) return inv.error();
  return std::unique_ptr<AdvisoryJudge>(new AdvisoryJudge(
      std::make_unique<Workspace>(std::move(*ws)), where->hosts_file, facts));
}

schema::AdvisoryVerdict AdvisoryJudge::verdict(const schema::Advisory& a, const std::string& tag) {
  schema::AdvisoryVerdict unknown{schema::Applies::Unknown, "", {}};
  if (a.condition.empty()) return {};
  auto it = views_.find(tag);
  if (it == views_.end()) {
    auto version = Version::parse(tag);
    auto inv = load_workspace_inventory(
        *ws_, hosts_file_,
        version ? kubespray().runtime_groups(*version) : std::vector<RuntimeGroup>{});
    if (!inv) {
      unknown.why = inv.error().message;
      return unknown;
    }
    if ((*inv)->hosts().empty()) {
      unknown.why = "the inventory defines no hosts to evaluate the condition on";
      return unknown;
    }
    auto tf = facts_.facts(tag);
    if (!tf) {
      unknown.why = tf.error().message;
      return unknown;
    }
    const auto& stored = *tag_facts_.insert_or_assign(tag, *tf).first->second;
    const auto& kept = invs_.insert_or_assign(tag, *inv).first->second;
    it = views_.emplace(tag, make_effective_view(*kept, nullptr, stored)).first;
  }
  JudgeContext ctx(*it->second, invs_.at(tag)->hosts().front().name);
  return schema::evaluate_advisory(a, ctx);
}

}  // namespace ksm::upgrade
