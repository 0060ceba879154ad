// A Kubespray tree or an inventory held in memory for unit tests, read
// through the Source interface as a clone or a folder is.
#pragma once

#include "sources/memory_source.h"

namespace ksm::test {

using Files = MemorySource::Files;
using MemoryTree = MemorySource;

}  // namespace ksm::test
