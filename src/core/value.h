// The dynamic value every module exchanges: what Ansible would hold in a
// Python object after loading YAML, INI or JSON, plus the two states our
// evaluator needs (undefined, and unknown-with-a-reason) and vault-encrypted
// scalars, which are carried opaque and byte-exact and never decrypted.
//
// Lists and maps are shared and copied on write, so passing Values around
// (Jinja evaluation, variable layers) is cheap.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

namespace ksm {

class Value;
class Map;
using List = std::vector<Value>;

enum class Kind { Undefined, Null, Bool, Int, Float, String, List, Map, Vault, Unknown };
const char* kind_name(Kind k);

struct VaultText {
  std::string ciphertext;  // the "$ANSIBLE_VAULT;1.1;AES256\n..." payload
};
struct UnknownReason {
  std::string reason;
};

class Value {
 public:
  Value() : v_(nullptr) {}  // null
  Value(std::nullptr_t) : v_(nullptr) {}
  Value(bool b) : v_(b) {}
  Value(int i) : v_(static_cast<int64_t>(i)) {}
  Value(int64_t i) : v_(i) {}
  Value(double d) : v_(d) {}
  Value(const char* s) : v_(std::string(s)) {}
  Value(std::string s) : v_(std::move(s)) {}
  Value(std::string_view s) : v_(std::string(s)) {}
  Value(List l);
  Value(Map m);
  Value(VaultText v) : v_(std::move(v)) {}
  Value(UnknownReason u) : v_(std::move(u)) {}

  static Value undefined() { Value v; v.v_ = std::monostate{}; return v; }
  static Value unknown(std::string reason) { return Value(UnknownReason{std::move(reason)}); }
  static Value list() { return Value(List{}); }
  static Value map();

  Kind kind() const;
  bool is_undefined() const { return v_.index() == 0; }
  bool is_null() const { return v_.index() == 1; }
  bool is_bool() const { return v_.index() == 2; }
  bool is_int() const { return v_.index() == 3; }
  bool is_float() const { return v_.index() == 4; }
  bool is_number() const { return is_int() || is_float(); }
  bool is_string() const { return v_.index() == 5; }
  bool is_list() const { return v_.index() == 6; }
  bool is_map() const { return v_.index() == 7; }
  bool is_vault() const { return v_.index() == 8; }
  bool is_unknown() const { return v_.index() == 9; }

  bool as_bool() const { return std::get<bool>(v_); }
  int64_t as_int() const { return std::get<int64_t>(v_); }
  double as_float() const { return std::get<double>(v_); }
  double as_number() const { return is_int() ? static_cast<double>(as_int()) : as_float(); }
  const std::string& as_string() const { return std::get<std::string>(v_); }
  const List& as_list() const { return *std::get<std::shared_ptr<List>>(v_); }
  const Map& as_map() const { return *std::get<std::shared_ptr<Map>>(v_); }
  const std::string& vault_text() const { return std::get<VaultText>(v_).ciphertext; }
  const std::string& unknown_reason() const { return std::get<UnknownReason>(v_).reason; }
  // Mutable access clones a shared container first (copy on write).
  List& list_mut();
  Map& map_mut();

  // Member lookup for maps; nullptr when absent or not a map.
  const Value* get(std::string_view key) const;

  // Python semantics: 1 == 1.0, True == 1, deep equality of containers.
  friend bool operator==(const Value& a, const Value& b);
  friend bool operator!=(const Value& a, const Value& b) { return !(a == b); }

 private:
  std::variant<std::monostate, std::nullptr_t, bool, int64_t, double, std::string,
               std::shared_ptr<List>, std::shared_ptr<Map>, VaultText, UnknownReason>
      v_;
};

// A map that keeps insertion order (as YAML and Python dicts do) with O(1) lookup.
class Map {
 public:
  using Entry = std::pair<std::string, Value>;
  Map() = default;
  Map(std::initializer_list<Entry> init);

  const Value* find(std::string_view key) const;
  Value* find(std::string_view key);
  bool contains(std::string_view key) const { return find(key) != nullptr; }
  // Replace in place (keeping position) or append.
  void set(std::string key, Value v);
  // Non-string keys (YAML `1:`, `1.17:`, `true:`, Jinja `{1: x}`): an entry's
  // key is Python's str() of it, and the map remembers the original, since
  // Python keeps the type (`{1: a}[1]` finds it, `['1']` does not).
  // `key` is the original (int, float, bool or null); a string key is
  // set() as usual.
  void set_typed(const Value& key, Value v);
  // The original of a non-string key, nullptr for a string key (or absent).
  const Value* key_type(std::string_view key) const;
  // The key as Python sees it: the original when not a string.
  Value key_value(const std::string& key) const;
  // Copy `key`'s type from `from` (where it names an entry) onto this map.
  void copy_key_type(const Map& from, const std::string& key);
  // Python dict lookup by a key of any scalar type (1 == 1.0 == True);
  // nullptr when absent or when only a key of another type matches.
  const Value* find_key(const Value& key) const;
  bool has_typed_keys() const { return !typed_.empty(); }
  Value& operator[](const std::string& key);
  bool erase(std::string_view key);
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  auto begin() const { return entries_.begin(); }
  auto end() const { return entries_.end(); }
  auto begin() { return entries_.begin(); }
  auto end() { return entries_.end(); }
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  void reindex();
  std::vector<Entry> entries_;
  std::unordered_map<std::string, size_t> index_;
  std::unordered_map<std::string, Value> typed_;  // see set_typed()
};

inline Value::Value(List l) : v_(std::make_shared<List>(std::move(l))) {}
inline Value::Value(Map m) : v_(std::make_shared<Map>(std::move(m))) {}
inline Value Value::map() { return Value(Map{}); }

// Python's str(): 'True', 'None', "['a', 1]", "{'k': 'v'}"; strings as-is.
std::string to_python_str(const Value& v);
// Python's repr(): strings quoted.
std::string to_python_repr(const Value& v);

}  // namespace ksm
