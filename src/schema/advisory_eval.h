// Whether an advisory holds for an inventory. Every advisory of schemas/
// has a condition over the inventory's effective values (kube-vip enabled,
// loadbalancer_apiserver set, the network plugin ...); upgrade, preflight,
// plan -i and explain -i all ask this one function, so that an advisory
// about a component is never shown to an inventory that does not enable
// it, and is shown the same way everywhere. The caller supplies the Jinja
// context of one host's effective values (vars::HostView, or upgrade's
// ViewContext over an EffectiveView).
#pragma once

#include <string>
#include <vector>

#include "jinja/jinja.h"
#include "schema/schema.h"

namespace ksm::schema {

enum class Applies { Yes, No, Unknown };

struct AdvisoryVerdict {
  Applies applies = Applies::Yes;
  std::string why;                 // for Unknown: what could not be known
  std::vector<std::string> names;  // the variables the condition reads
};

// An advisory without a condition always applies; a condition that is
// false drops it; one that cannot be decided (a fact gathered at run time,
// not a boolean) is Unknown, and shown as such.
[[nodiscard]] AdvisoryVerdict evaluate_advisory(const Advisory& a, jinja::Context& ctx);

}  // namespace ksm::schema
