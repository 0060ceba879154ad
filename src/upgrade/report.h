// What `upgrade` did, hop by hop: every automatic change with its reason and
// source (schema rule or Kubespray file:line), the conflicts left for the
// operator, and notes to review. Rendered as text or JSON:
//   {"hops":[{"from","to","changes":[{"kind","file","line","variable","old","new",
//             "reason","source"[,"tag_value"]}],"conflicts":[{"file","line"}],"notes":[...]}]}
// "old" and "new" are the value before and after in the operator's file
// (null: not set there); a pin adds "tag_value", what the tag would give.
#pragma once

#include <string>
#include <vector>

#include "core/value.h"

namespace ksm::upgrade {

// What kind of change: the report's "kind" field (the README lists them).
enum class ChangeKind {
  Sample,          // "sample": a line the new sample changed, merged into the operator's file
  AddFile,         // "add-file": a file the new sample added
  RenameGroup,     // "rename-group": a group renamed in the hosts file
  Move,            // "move": a file or folder moved (a group's group_vars, a schema's file move)
  RenameVariable,  // "rename-variable"
  Restructure,     // "restructure": flat variables folded into a structure (metallb_config)
  Write,           // "write": a file the tool writes beside the inventory (manifests)
  ObjectName,   // "object-name": a key Kubespray names a Kubernetes object after, made a valid name
  Pin,          // "pin": a sticky setting kept at the running cluster's value
  KubeVersion,  // "kube-version": kube_version set by the one-minor rule
  Respell,      // "respell": the operator's expression respelled as the sample spells its filters
  Convert,      // "convert": the hosts file converted (--hosts-format)
  AnsibleCfg,   // "ansible-cfg": a setting of ansible.cfg kept, taken or in conflict
};
// The name in reports ("rename-group").
const char* change_kind_name(ChangeKind k);

// Built with designated initialisers; a field left out takes its default.
struct Change {
  ChangeKind kind = ChangeKind::Sample;
  std::string file = {};  // relative to the inventory
  int line = 0;           // in the output file, 0 if none
  std::string variable = {};  // may be empty
  Value old_value = Value::undefined();
  Value new_value = Value::undefined();
  std::string reason = {};
  std::string source = {};  // "schemas/v2.16.0.yml:12" or "roles/x/defaults/main.yml:3 @ v2.18.0"
  // What the hop's tag would give without this change (a pin: the new
  // default it keeps away); old/new are before/after in the operator's file.
  Value tag_value = Value::undefined();
};

struct Conflict {
  std::string file;
  int line = 0;
  std::string what;
};

enum class NoteLevel { Info, Review, Blocking };

struct Note {
  NoteLevel level = NoteLevel::Review;
  std::string message;
  std::string source;
};

struct Hop {
  std::string from;
  std::string to;
  std::vector<Change> changes;
  std::vector<Conflict> conflicts;
  std::vector<Note> notes;
  // The next hop cannot start from this one (no Kubernetes version the tag
  // installs is allowed): the run stops here, as it does on a conflict.
  bool blocked = false;
};

struct Report {
  std::string input;
  std::string output;  // folder written, "(in place)", or "(diff)"
  std::string manifests;  // the folder beside the inventory where `write` files went ("" none)
  std::vector<Hop> hops;
  // Exit status by the contract: 3 conflicts or blocking notes, 2 notes to review, 0 clean.
  int exit_status() const;
  size_t conflict_count() const;
  // Records where the files beside the inventory were written: `manifests`
  // and every `write` change's file become paths under `dir`.
  void place_beside(const std::string& dir);
};

// What a change did, in the words of every format: "x: a -> b", or for a
// pin "keep x: a (v2.19.0 would change it to b)"; `to` is the hop's tag.
std::string change_what(const Change& c, const std::string& to);
// A value as the reports show it: "(unset)", "(vault-encrypted)", a
// string as is, anything else as JSON.
std::string show_value(const Value& v);
const char* note_level_name(NoteLevel l);  // "info", "review", "blocking"

Value to_value(const Report& r);  // the JSON document render_json prints
std::string render_json(const Report& r);
// Sources in their short form (report/source_text.h) unless `verbose`.
std::string render_text(const Report& r, bool colour, bool verbose = false);

}  // namespace ksm::upgrade
