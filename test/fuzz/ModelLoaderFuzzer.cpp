//===--- ModelLoaderFuzzer.cpp - libFuzzer target for the model loader ----===//
//
// Feeds arbitrary bytes to parseModelYAML, the parser of `.taskleak.yaml`
// (and of the built-in models): whatever the input, it must return true or
// false with a located error, never crash, leak, hang or let a yaml-cpp
// exception escape. Built with -DTASKLEAK_FUZZ=ON (see test/fuzz/CMakeLists.txt)
// and run by `make fuzz`.
//
//===----------------------------------------------------------------------===//
#include "lib/Models.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  const std::string Text(reinterpret_cast<const char *>(Data), Size);
  taskleak::ModelSet Models;
  taskleak::ModelError Err;
  if (!taskleak::parseModelYAML(Text, "fuzz.taskleak.yaml", Models, Err))
    (void)Err.str(); // an error is a result: it must be printable
  return 0;
}
