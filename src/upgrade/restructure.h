// Restructures (schemas/ `restructures`): several old variables become one
// new one (MetalLB's flat variables -> metallb_config at v2.22), or the
// reverse. The mapping entries are interpreted as data (schemas/README.md,
// "Restructure mappings"): paths with `{key}` walks and `[]` appends, a
// Jinja `value` and `when`. The new variable is written where the operator
// set the old ones, the old ones are commented out with a note, and when
// schemas/manifests/<rule id>.yml exists its template is rendered with the
// new values into a file beside the inventory (e.g. metallb-crds.yaml, the
// CRDs to apply before the upgrade).
#pragma once

#include <string>

#include "core/error.h"
#include "inventory/model.h"
#include "schema/schema.h"
#include "upgrade/effective.h"
#include "upgrade/report.h"
#include "upgrade/workspace.h"

namespace ksm::upgrade {

// The new variables computed from the operator's old ones (no writing);
// notes about what could not be mapped are appended to `hop`.
Result<Map> compute_restructure(const schema::Restructure& rule, const Map& old_vars,
                                EffectiveView& view, const std::string& host, Hop& hop);

Status apply_restructure(const schema::Restructure& rule, Workspace& ws,
                         const inventory::Inventory& before, EffectiveView& view,
                         const std::string& to_tag, Hop& hop);

}  // namespace ksm::upgrade
