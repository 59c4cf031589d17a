//===--- ParseCode.h - C++20 snippets to ASTs for the unit tests -*- C++ -*-===//
#ifndef TASKLEAK_TEST_UNIT_PARSECODE_H
#define TASKLEAK_TEST_UNIT_PARSECODE_H

#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace taskleak::test {

/// Parses \p Code as C++20 (the unit tests' stand-in headers are part of
/// it); a snippet that does not compile fails the test.
inline std::unique_ptr<clang::ASTUnit> parseCode(const std::string &Code) {
  auto AST =
      clang::tooling::buildASTFromCodeWithArgs(Code, {"-std=c++20"}, "input.cc");
  EXPECT_TRUE(AST);
  if (AST)
    EXPECT_FALSE(AST->getDiagnostics().hasErrorOccurred());
  return AST;
}

} // namespace taskleak::test

#endif
