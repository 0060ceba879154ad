// The short form of a `source` (issue 17: detail behind -v). A rule's
// provenance can name several references with explanations:
//   schemas/v2.16.0.yml:7:5 (kubernetes-sigs/kubespray#7256 (commit 486b223e0:
//   Replace kube-master with kube_control_plane); legacy_groups.yml:4-10 (...))
// By default a report shows the first, most specific reference (the rule's
// schema file:line, or the Kubespray file:line @ tag) and one public
// reference (a PR or issue, a URL, a Kubespray doc):
//   schemas/v2.16.0.yml:7, kubernetes-sigs/kubespray#7256
// and the whole text with -v. JSON reports keep the whole text.
#pragma once

#include <string>
#include <string_view>

namespace ksm::report {

// `source` in its short form; `source` itself when it is one reference.
[[nodiscard]] std::string short_source(std::string_view source);

// short_source(source), or the whole of it when `verbose`.
[[nodiscard]] inline std::string source_text(std::string_view source, bool verbose) {
  return verbose ? std::string(source) : short_source(source);
}

}  // namespace ksm::report
