// Where the tool's own data (schemas/, versions/) lives: $KSM_DATA_DIR, else
// the installed share folder, else the source tree it was built from.
#pragma once

#include <filesystem>

namespace ksm {

std::filesystem::path data_dir();
std::filesystem::path schemas_dir();
std::filesystem::path versions_dir();

}  // namespace ksm
