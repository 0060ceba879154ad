// In-place edits of an operator's INI hosts file. Kubespray renamed its
// groups (v2.16: kube-master -> kube_control_plane, ...); an upgrade renames
// them in the operator's file without re-writing it: section headers
// `[g]`, `[g:vars]`, `[g:children]` and the group names listed under any
// `:children` section change, every other byte (comments, order, host
// lines, BOM, line endings) stays.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "merge/text.h"
#include "merge/yaml_edit.h"

namespace ksm::merge {

class IniDoc {
 public:
  static IniDoc parse(std::string_view bytes) { return IniDoc(Text::parse(bytes)); }
  explicit IniDoc(Text text) : text_(std::move(text)) {}

  std::string render() const { return text_.render(); }
  const Text& text() const { return text_; }

  // Group names defined by a section header or listed under a `:children`
  // section, in order of first appearance.
  std::vector<std::string> groups() const;

  // Renames group `from` to `to` everywhere; one record per changed line.
  // When `to` already exists the sections are left side by side (Ansible
  // merges sections of the same name) and `merged_with_existing` is set.
  std::vector<EditRecord> rename_group(std::string_view from, std::string_view to,
                                       bool* merged_with_existing = nullptr);

 private:
  Text text_;
};

}  // namespace ksm::merge
