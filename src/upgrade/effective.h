// Effective values as `upgrade` needs them: what one host gets for one
// variable at one tag, inventory layers over the tag's role defaults,
// templates resolved. Upgrade asks this twice per hop (before, at the old
// tag with the input inventory; after, at the new tag with the produced
// one) for the sticky variables and the variables the operator sets, and
// pins what would change under a running cluster.
//
// Defaults come from a Kubespray clone (role defaults as written, templates
// evaluated with the operator's values) or, offline, from versions/ (values
// evaluated from the defaults alone; a template over a name the operator
// sets is Unknown, and upgrade says so instead of guessing).
#pragma once

#include <memory>
#include <string>

#include "core/value.h"
#include "inventory/model.h"

namespace ksm {
class KubesprayTree;
namespace catalog { class TagFacts; }
namespace vars { struct TreeLayers; }
}  // namespace ksm

namespace ksm::upgrade {

struct Effective {
  Value value;         // Undefined when nothing defines it
  std::string source;  // "group_vars/all/all.yml:12" or "roles/x/defaults/main.yml:3 @ v2.18.0"
};

class EffectiveView {
 public:
  virtual ~EffectiveView() = default;
  virtual Effective get(const std::string& host, const std::string& name) = 0;
};

// `tree` may be null (offline): then `facts` supplies the defaults.
// `layers`, when given, are the tree's (vars::TreeLayers::build(*tree)).
std::unique_ptr<EffectiveView> make_effective_view(
    const inventory::Inventory& inv, const KubesprayTree* tree, const catalog::TagFacts& facts,
    std::shared_ptr<const vars::TreeLayers> layers = nullptr);

}  // namespace ksm::upgrade
