// Value and Map: equality, copy on write, and Python's str()/repr().
#include "core/value.h"

#include <cmath>
#include <fmt/format.h>

namespace ksm {

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::Undefined: return "undefined";
    case Kind::Null: return "null";
    case Kind::Bool: return "bool";
    case Kind::Int: return "int";
    case Kind::Float: return "float";
    case Kind::String: return "string";
    case Kind::List: return "list";
    case Kind::Map: return "map";
    case Kind::Vault: return "vault";
    case Kind::Unknown: return "unknown";
  }
  return "?";
}

Kind Value::kind() const { return static_cast<Kind>(v_.index()); }

List& Value::list_mut() {
  auto& p = std::get<std::shared_ptr<List>>(v_);
  if (p.use_count() > 1) p = std::make_shared<List>(*p);
  return *p;
}

Map& Value::map_mut() {
  auto& p = std::get<std::shared_ptr<Map>>(v_);
  if (p.use_count() > 1) p = std::make_shared<Map>(*p);
  return *p;
}

const Value* Value::get(std::string_view key) const {
  if (!is_map()) return nullptr;
  return as_map().find(key);
}

bool operator==(const Value& a, const Value& b) {
  auto num = [](const Value& v, double& out) {
    if (v.is_int()) { out = static_cast<double>(v.as_int()); return true; }
    if (v.is_float()) { out = v.as_float(); return true; }
    if (v.is_bool()) { out = v.as_bool() ? 1 : 0; return true; }
    return false;
  };
  if (a.is_int() && b.is_int()) return a.as_int() == b.as_int();
  double x, y;
  if (num(a, x) && num(b, y)) return x == y;
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Kind::Undefined:
    case Kind::Null: return true;
    case Kind::String: return a.as_string() == b.as_string();
    case Kind::Vault: return a.vault_text() == b.vault_text();
    case Kind::Unknown: return false;  // nothing is known to equal an unknown
    case Kind::List: return a.as_list() == b.as_list();
    case Kind::Map: {
      const Map& m = a.as_map();
      const Map& n = b.as_map();
      if (m.size() != n.size()) return false;
      for (const auto& [k, v] : m) {
        const Value* w = n.find(k);
        if (!w || !(*w == v)) return false;
        const Value* tk = m.key_type(k);
        const Value* tn = n.key_type(k);
        if ((tk == nullptr) != (tn == nullptr) || (tk && !(*tk == *tn))) return false;
      }
      return true;
    }
    default: return false;
  }
}

Map::Map(std::initializer_list<Entry> init) {
  for (const auto& e : init) set(e.first, e.second);
}

const Value* Map::find(std::string_view key) const {
  if (entries_.size() <= 8) {
    for (const auto& e : entries_)
      if (e.first == key) return &e.second;
    return nullptr;
  }
  auto it = index_.find(std::string(key));
  return it == index_.end() ? nullptr : &entries_[it->second].second;
}

Value* Map::find(std::string_view key) {
  return const_cast<Value*>(static_cast<const Map*>(this)->find(key));
}

void Map::set(std::string key, Value v) {
  if (Value* old = find(key)) {
    *old = std::move(v);
    return;
  }
  index_.emplace(key, entries_.size());
  entries_.emplace_back(std::move(key), std::move(v));
}

Value& Map::operator[](const std::string& key) {
  if (Value* old = find(key)) return *old;
  set(key, Value());
  return entries_.back().second;
}

void Map::set_typed(const Value& key, Value v) {
  if (key.is_string()) {
    set(key.as_string(), std::move(v));
    return;
  }
  // Python: 1, 1.0 and True are one key; the first one written stays.
  std::string k = to_python_str(key);
  if (const Value* same = find_key(key)) {
    for (auto& e : entries_)
      if (&e.second == same) k = e.first;
  } else {
    typed_.emplace(k, key);
  }
  set(std::move(k), std::move(v));
}

const Value* Map::key_type(std::string_view key) const {
  if (typed_.empty()) return nullptr;
  auto it = typed_.find(std::string(key));
  return it == typed_.end() ? nullptr : &it->second;
}

Value Map::key_value(const std::string& key) const {
  if (const Value* t = key_type(key)) return *t;
  return Value(key);
}

void Map::copy_key_type(const Map& from, const std::string& key) {
  if (const Value* t = from.key_type(key)) typed_.insert_or_assign(key, *t);
}

const Value* Map::find_key(const Value& key) const {
  if (key.is_string()) {
    const Value* v = find(key.as_string());
    return v && !key_type(key.as_string()) ? v : nullptr;
  }
  if (typed_.empty()) return nullptr;
  std::string s = to_python_str(key);
  if (auto it = typed_.find(s); it != typed_.end() && it->second == key) return find(s);
  for (const auto& [k, t] : typed_)
    if (t == key) return find(k);
  return nullptr;
}

bool Map::erase(std::string_view key) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->first == key) {
      if (!typed_.empty()) typed_.erase(std::string(key));
      entries_.erase(it);
      reindex();
      return true;
    }
  }
  return false;
}

void Map::reindex() {
  index_.clear();
  for (size_t i = 0; i < entries_.size(); ++i) index_.emplace(entries_[i].first, i);
}

namespace {

std::string py_float(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  std::string s = fmt::format("{}", d);
  if (s.find_first_of(".en") == std::string::npos) s += ".0";
  return s;
}

std::string py_quote(const std::string& s) {
  char q = (s.find('\'') != std::string::npos && s.find('"') == std::string::npos) ? '"' : '\'';
  std::string out(1, q);
  for (char c : s) {
    if (c == q || c == '\\') { out += '\\'; out += c; }
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '\r') out += "\\r";
    else out += c;
  }
  out += q;
  return out;
}

}  // namespace

std::string to_python_repr(const Value& v) {
  if (v.is_string()) return py_quote(v.as_string());
  return to_python_str(v);
}

std::string to_python_str(const Value& v) {
  switch (v.kind()) {
    case Kind::Undefined: return "";
    case Kind::Null: return "None";
    case Kind::Bool: return v.as_bool() ? "True" : "False";
    case Kind::Int: return std::to_string(v.as_int());
    case Kind::Float: return py_float(v.as_float());
    case Kind::String: return v.as_string();
    case Kind::Vault: return v.vault_text();
    case Kind::Unknown: return "<unknown: " + v.unknown_reason() + ">";
    case Kind::List: {
      std::string s = "[";
      bool first = true;
      for (const auto& e : v.as_list()) {
        if (!first) s += ", ";
        first = false;
        s += to_python_repr(e);
      }
      return s + "]";
    }
    case Kind::Map: {
      std::string s = "{";
      bool first = true;
      const Map& m = v.as_map();
      for (const auto& [k, e] : m) {
        if (!first) s += ", ";
        first = false;
        const Value* t = m.key_type(k);
        s += (t ? to_python_repr(*t) : py_quote(k)) + ": " + to_python_repr(e);
      }
      return s + "}";
    }
  }
  return {};
}

}  // namespace ksm
