// Tests of src/upgrade/ansible_cfg: the operator's ansible.cfg merged with
// the new tag's, each setting named in the report.
#include <doctest/doctest.h>

#include <algorithm>

#include "upgrade/ansible_cfg.h"

using namespace ksm;
using namespace ksm::upgrade;

namespace {

const char* kBase =
    "[ssh_connection]\npipelining=True\n\n[defaults]\nforks = 5\nhost_key_checking=False\n";
const char* kTheirs =
    "[ssh_connection]\npipelining=True\n\n[defaults]\nforks = 5\nhost_key_checking=False\n"
    "gathering = smart\n";
const char* kOurs =
    "[ssh_connection]\npipelining=True\n\n[defaults]\nforks = 50\nremote_user = ops\n"
    "host_key_checking=False\n";

const Change* change_for(const Hop& h, const std::string& key) {
  auto it = std::find_if(h.changes.begin(), h.changes.end(),
                         [&](const Change& c) { return c.variable == key; });
  return it == h.changes.end() ? nullptr : &*it;
}

}  // namespace

TEST_CASE("ansible.cfg: settings read with inih") {
  auto s = ini_settings(kOurs, "x");
  REQUIRE(s.ok());
  CHECK(s->at("defaults.forks") == "50");
  CHECK(s->at("defaults.remote_user") == "ops");
  CHECK(s->at("ssh_connection.pipelining") == "True");
  auto bad = ini_settings("[defaults\nforks=1\n", "bad.cfg");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().str().find("bad.cfg:1") != std::string::npos);
}

TEST_CASE("ansible.cfg: the operator's settings kept, the new tag's taken, each reported") {
  Workspace ws = Workspace::empty("/nonexistent-ksm-ws");
  Hop hop;
  REQUIRE(merge_ansible_cfg_texts(kBase, kOurs, kTheirs, "v2.26.0", "v2.27.0", ws, hop).ok());
  const std::string* out = ws.text(kAnsibleCfg);
  REQUIRE(out != nullptr);
  auto merged = ini_settings(*out, "merged");
  REQUIRE(merged.ok());
  CHECK(merged->at("defaults.forks") == "50");
  CHECK(merged->at("defaults.remote_user") == "ops");
  CHECK(merged->at("defaults.gathering") == "smart");
  CHECK(hop.conflicts.empty());
  REQUIRE(change_for(hop, "defaults.forks") != nullptr);
  CHECK(change_for(hop, "defaults.forks")->reason == "your setting, kept");
  REQUIRE(change_for(hop, "defaults.gathering") != nullptr);
  CHECK(change_for(hop, "defaults.gathering")->reason.find("taken") != std::string::npos);
  // old/new: before and after in the operator's ansible.cfg; tag_value: the
  // tag's own, where the result is not that.
  CHECK(change_for(hop, "defaults.forks")->old_value == Value("50"));
  CHECK(change_for(hop, "defaults.forks")->new_value == Value("50"));
  CHECK(change_for(hop, "defaults.forks")->tag_value == Value("5"));
  CHECK(change_for(hop, "defaults.gathering")->old_value.is_undefined());
  CHECK(change_for(hop, "defaults.gathering")->new_value == Value("smart"));
  CHECK(change_for(hop, "defaults.gathering")->tag_value.is_undefined());
  CHECK(change_for(hop, "ssh_connection.pipelining") == nullptr);
}

TEST_CASE("ansible.cfg: untouched or already at the new tag: nothing written") {
  Workspace ws = Workspace::empty("/nonexistent-ksm-ws");
  Hop hop;
  REQUIRE(merge_ansible_cfg_texts(kBase, kBase, kTheirs, "a", "b", ws, hop).ok());
  REQUIRE(merge_ansible_cfg_texts(kBase, kTheirs, kTheirs, "a", "b", ws, hop).ok());
  CHECK_FALSE(ws.has_file(kAnsibleCfg));
  CHECK(hop.changes.empty());
}

TEST_CASE("ansible.cfg: both sides change one setting: a conflict") {
  Workspace ws = Workspace::empty("/nonexistent-ksm-ws");
  Hop hop;
  std::string theirs =
      "[ssh_connection]\npipelining=True\n\n[defaults]\nforks = 10\nhost_key_checking=False\n";
  REQUIRE(merge_ansible_cfg_texts(kBase, kOurs, theirs, "a", "b", ws, hop).ok());
  CHECK(hop.conflicts.size() == 1);
  REQUIRE(change_for(hop, "defaults.forks") != nullptr);
  // Before: the operator's 50; after: conflict markers, no value; the tag's 10 beside them.
  CHECK(change_for(hop, "defaults.forks")->old_value == Value("50"));
  CHECK(change_for(hop, "defaults.forks")->new_value.is_undefined());
  CHECK(change_for(hop, "defaults.forks")->tag_value == Value("10"));
}
