// plan -i and explain -i show an advisory only where it holds for the
// inventory, as upgrade and preflight do: this reads the inventory's files
// once and answers, per tag, with the inventory's effective values at that
// tag (its layers, with the groups the tag's playbooks build, over the tag's
// role defaults from the release facts; no clone needed) and the one
// evaluation of schema/advisory_eval.h.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "catalog/facts.h"
#include "core/error.h"
#include "inventory/model.h"
#include "schema/advisory_eval.h"
#include "schema/facts.h"
#include "upgrade/effective.h"
#include "upgrade/workspace.h"

namespace ksm::upgrade {

class AdvisoryJudge {
 public:
  // `inventory`: the folder or hosts file given with -i.
  [[nodiscard]] static Result<std::unique_ptr<AdvisoryJudge>> open(const std::string& inventory,
                                                                   schema::ReleaseFacts& facts);
  // The verdict at `tag` (its defaults); Unknown with a reason when the
  // inventory has no host to evaluate on or the tag's facts cannot be read.
  [[nodiscard]] schema::AdvisoryVerdict verdict(const schema::Advisory& a, const std::string& tag);

 private:
  AdvisoryJudge(std::unique_ptr<Workspace> ws, std::string hosts_file, schema::ReleaseFacts& facts)
      : ws_(std::move(ws)), hosts_file_(std::move(hosts_file)), facts_(facts) {}
  std::unique_ptr<Workspace> ws_;
  std::string hosts_file_;
  schema::ReleaseFacts& facts_;
  std::map<std::string, std::shared_ptr<const inventory::Inventory>> invs_;
  std::map<std::string, std::shared_ptr<const catalog::TagFacts>> tag_facts_;
  std::map<std::string, std::unique_ptr<EffectiveView>> views_;
};

}  // namespace ksm::upgrade
