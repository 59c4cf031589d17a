//===--- Manifest.cpp - the checks as data, read from Checks.def ----------===//
#include "checks/Manifest.h"

#include "llvm/ADT/STLExtras.h"

namespace taskleak {

// An option of a class that has no entry does not compile.
#define TASKLEAK_CHECK(Name, Class, Summary, HasFixIts) class Class;
#include "checks/Checks.def"
#define TASKLEAK_CHECK_OPTION(Class, Option, Default, Doc)                     \
  static_assert(sizeof(Class *) != 0, #Class " has an option but no entry");
#include "checks/Checks.def"

namespace {

constexpr CheckInfo Checks[] = {
#define TASKLEAK_CHECK(Name, Class, Summary, HasFixIts)                        \
  {"taskleak-" Name, Summary, HasFixIts},
#include "checks/Checks.def"
};

/// The check name of each class, for the options that name their class.
struct ClassName {
  llvm::StringRef Class;
  llvm::StringRef Name;
};
constexpr ClassName Classes[] = {
#define TASKLEAK_CHECK(Name, Class, Summary, HasFixIts) {#Class, "taskleak-" Name},
#include "checks/Checks.def"
};

std::vector<CheckOptionInfo> buildOptions() {
  std::vector<CheckOptionInfo> Out = {
#define TASKLEAK_COMMON_OPTION(Option, Default, Doc) {"", #Option, Default, Doc},
#include "checks/Checks.def"
  };
  struct Own {
    llvm::StringRef Class, Option, Default, Doc;
  };
  const Own OwnOptions[] = {
#define TASKLEAK_CHECK_OPTION(Class, Option, Default, Doc)                     \
  {#Class, #Option, Default, Doc},
#include "checks/Checks.def"
  };
  for (const Own &O : OwnOptions) {
    const auto *C = llvm::find_if(
        Classes, [&](const ClassName &C) { return C.Class == O.Class; });
    assert(C != std::end(Classes) && "an option of a class with no entry");
    Out.push_back({C->Name, O.Option, O.Default, O.Doc});
  }
  return Out;
}

} // namespace

llvm::ArrayRef<CheckInfo> manifestChecks() { return Checks; }

const CheckInfo *findCheck(llvm::StringRef Name) {
  const auto *It =
      llvm::find_if(Checks, [&](const CheckInfo &C) { return C.Name == Name; });
  return It == std::end(Checks) ? nullptr : It;
}

llvm::ArrayRef<CheckOptionInfo> manifestOptions() {
  static const std::vector<CheckOptionInfo> Options = buildOptions();
  return Options;
}

void printCheckList(llvm::raw_ostream &OS,
                    const std::vector<std::string> &Enabled) {
  OS << "Enabled checks:";
  for (const std::string &Name : Enabled) {
    OS << "\n    " << Name;
    if (const CheckInfo *C = findCheck(Name))
      OS << "\n        " << C->Summary;
  }
  OS << "\n\n";
}

} // namespace taskleak
