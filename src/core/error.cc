// Formatting of Error and Location.
#include "core/error.h"

namespace ksm {

std::string Location::str() const {
  if (file.empty()) return {};
  std::string s = file;
  if (line > 0) {
    s += ":" + std::to_string(line);
    if (column > 0) s += ":" + std::to_string(column);
  }
  return s;
}

std::string Error::str() const {
  std::string loc = where.str();
  return loc.empty() ? message : loc + ": " + message;
}

Error Error::context(const std::string& what) const {
  return Error(what + ": " + message, where);
}

}  // namespace ksm
