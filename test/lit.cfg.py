# -*- Python -*-
import os
import lit.formats

config.name = "taskleak"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".cpp", ".test"]
config.excludes = ["Inputs", "unit", "CMakeLists.txt"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.taskleak_obj_root, "test")

# A sanitized build (make check-asan, -DTASKLEAK_SANITIZE=...) has a driver
# under ASan/UBSan but no plugin that the uninstrumented clang-tidy could load:
# the checker tests run through the driver alone there, and the tests that
# load the plugin (REQUIRES: plugin) are unsupported.
config.sanitize = getattr(config, "sanitize", "")
if config.sanitize:
    config.available_features.add("sanitized")
    # A report stops the program with status 86 (not 1, which means
    # findings) and is also written to <build>/sanitizer-reports/, which
    # make check-asan requires to stay empty: a report in a test that expects
    # a failure (%not) is not lost either.
    reports = os.path.join(config.taskleak_obj_root, "sanitizer-reports", "report")
    common = "exitcode=86:log_path=%s" % reports
    config.environment["ASAN_OPTIONS"] = "halt_on_error=1:detect_leaks=1:" + common
    config.environment["UBSAN_OPTIONS"] = "halt_on_error=1:print_stacktrace=1:" + common
    config.environment["LSAN_OPTIONS"] = "print_suppressions=0:suppressions=" + \
        os.path.join(config.test_source_root, "lsan.supp")
else:
    config.available_features.add("plugin")

runner = os.path.join(config.test_source_root, "check_taskleak.py")
config.substitutions.append((
    "%check_taskleak",
    "%s %s --clang-tidy=%s --plugin=%s --taskleak=%s --filecheck=%s --clangxx=%s%s" % (
        config.python_executable, runner, config.clang_tidy, config.plugin,
        config.taskleak, config.filecheck, config.clangxx,
        " --driver-only" if config.sanitize else "")))
# Before %taskleak, which is a prefix of it.
if getattr(config, "taskleak_clangd", ""):
    config.available_features.add("taskleak-clangd")
    config.substitutions.append(("%taskleak_clangd", config.taskleak_clangd))
config.substitutions.append(("%taskleak", config.taskleak))
config.substitutions.append(("%plugin", config.plugin))
config.substitutions.append(("%clang_tidy", config.clang_tidy))
config.substitutions.append(("%clangxx", config.clangxx))
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%FileCheck", config.filecheck))
config.substitutions.append(("%not", config.not_tool))
# The LLVM/Clang major built against (19 or 22): feature llvm-<major>, and
# %llvm_major for the few expectations that differ (--check-prefix=X-%llvm_major).
config.llvm_major = getattr(config, "llvm_major", "19")
config.available_features.add("llvm-" + config.llvm_major)
config.substitutions.append(("%llvm_major", config.llvm_major))
config.environment["HOME"] = os.environ.get("HOME", "/tmp")
# Test aid (lib/Parents.h): compare the parent index with ASTContext::getParents.
if os.environ.get("TASKLEAK_VERIFY_PARENTS"):
    config.environment["TASKLEAK_VERIFY_PARENTS"] = os.environ["TASKLEAK_VERIFY_PARENTS"]

# Tests of full disks mount a small tmpfs (root, and a kernel that lets us).
def _can_mount_tmpfs():
    import subprocess, tempfile
    d = tempfile.mkdtemp(prefix="taskleak-lit-")
    try:
        if subprocess.call(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", d],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) != 0:
            return False
        subprocess.call(["umount", d])
        return True
    except OSError:
        return False
    finally:
        os.rmdir(d)
if _can_mount_tmpfs():
    config.available_features.add("tmpfs")
