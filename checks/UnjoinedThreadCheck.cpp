//===--- UnjoinedThreadCheck.cpp - taskleak --------------------------------===//
#include "checks/UnjoinedThreadCheck.h"

#include "checks/Manifest.h"

#include "lib/Matchers.h"
#include "lib/ThreadLifetime.h"

#include "clang/AST/StmtCXX.h"
#include "clang/Lex/Lexer.h"
#include "llvm/Support/Regex.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace taskleak {

UnjoinedThreadCheck::UnjoinedThreadCheck(StringRef Name,
                                         tidy::ClangTidyContext *Context)
    : TaskleakCheck(Name, Context),
      IgnoredExitMacros(
          regexOption("IgnoredExitMacros",
                      defaults::UnjoinedThreadCheck::IgnoredExitMacros)) {}

void UnjoinedThreadCheck::storeOptions(tidy::ClangTidyOptions::OptionMap &Opts) {
  TaskleakCheck::storeOptions(Opts);
  Options.store(Opts, "IgnoredExitMacros", IgnoredExitMacros);
}

/// Whether \p S is expanded from a macro (at any level of nesting) whose name
/// matches \p Pattern.
static bool expandedFromMacro(const Stmt *S, const llvm::Regex &Pattern,
                              const ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  SourceLocation Loc = S->getBeginLoc();
  for (int Guard = 0; Guard < 32 && Loc.isMacroID(); ++Guard) {
    StringRef Name = Lexer::getImmediateMacroName(Loc, SM, Ctx.getLangOpts());
    if (Pattern.match(Name))
      return true;
    Loc = SM.getImmediateMacroCallerLoc(Loc);
  }
  return false;
}

void UnjoinedThreadCheck::registerMatchers(MatchFinder *Finder) {
  if (const Library *Lib = library())
    Finder->addMatcher(threadObjectCandidate(*Lib), this);
}

void UnjoinedThreadCheck::check(const MatchFinder::MatchResult &Result) {
  ASTContext &Ctx = *Result.Context;
  const auto *D = Result.Nodes.getNodeAs<ValueDecl>("thread");
  const Library *Lib = library();
  if (!D || !Lib)
    return;
  if (const auto *Var = dyn_cast<VarDecl>(D)) {
    std::optional<ThreadObject> T = analyzeLocalThread(Var, *Lib, Ctx);
    if (!T || T->Class->Destructor != ThreadDestructor::Terminates)
      return;
    const llvm::Regex Macros(IgnoredExitMacros);
    auto Ignored = [&](const Stmt *S) {
      return !IgnoredExitMacros.empty() && expandedFromMacro(S, Macros, Ctx);
    };
    std::optional<JoinableExit> Exit = findJoinableExit(*T, Ctx, Ignored);
    if (!Exit)
      return;
    SourceLocation At = isa<CXXConstructExpr>(Exit->Spawn->E)
                            ? Var->getLocation()
                            : Exit->Spawn->E->getBeginLoc();
    diag(At, "thread '%0' may still be joinable when it goes out of scope; "
             "its destructor then calls %1")
        << Var->getName() << T->Class->TerminateFunction;
    const Stmt *S = Exit->Exit;
    if (const auto *Block = dyn_cast<CompoundStmt>(S))
      diag(Block->getRBracLoc(), "'%0' is still joinable at the end of its "
                                 "scope on this path",
           DiagnosticIDs::Note)
          << Var->getName();
    else if (isa<CXXThrowExpr>(S))
      diag(S->getBeginLoc(),
           "'%0' is still joinable when the exception thrown here leaves its "
           "scope",
           DiagnosticIDs::Note)
          << Var->getName();
    else if (isa<ReturnStmt>(S) || isa<CoreturnStmt>(S))
      diag(S->getBeginLoc(),
           "'%0' is still joinable when the function returns here",
           DiagnosticIDs::Note)
          << Var->getName();
    else
      diag(S->getBeginLoc(),
           "'%0' is still joinable when '%1' leaves its scope here",
           DiagnosticIDs::Note)
          << Var->getName()
          << (isa<BreakStmt>(S)      ? "break"
              : isa<ContinueStmt>(S) ? "continue"
                                     : "goto");
    return;
  }
  const auto *Field = dyn_cast<FieldDecl>(D);
  std::optional<ThreadObject> T = analyzeMemberThread(Field, *Lib, Ctx);
  if (!T || T->Class->Destructor != ThreadDestructor::Terminates ||
      T->escapes())
    return;
  const auto *RD = cast<CXXRecordDecl>(Field->getParent());
  if (T->released()) {
    std::optional<UnjoinedMember> M = findUnjoinedMember(*T, Ctx);
    if (!M)
      return;
    diag(Field->getLocation(),
         "thread member '%0' may still be joinable when %1 is destroyed; its "
         "destructor then calls %2")
        << Field->getName() << RD << T->Class->TerminateFunction;
    if (M->Destructor && M->JoinFunction == M->Destructor)
      diag(M->Join->getBeginLoc(),
           "the destructor joins '%0' only on some paths", DiagnosticIDs::Note)
          << Field->getName();
    else if (M->JoinFunction)
      diag(M->Join->getBeginLoc(),
           "'%0' is joined only in %1, which the destructor does not call",
           DiagnosticIDs::Note)
          << Field->getName() << M->JoinFunction;
    return;
  }
  for (const ThreadUse &U : T->Uses) {
    if (U.Kind != ThreadUseKind::Spawn)
      continue;
    diag(U.E->getBeginLoc(),
         "thread member '%0' is started here but no member function of %1 "
         "joins, detaches or moves it; destroying the object then calls %2")
        << Field->getName() << RD << T->Class->TerminateFunction;
    diag(Field->getLocation(), "'%0' declared here", DiagnosticIDs::Note)
        << Field->getName();
    return;
  }
}

} // namespace taskleak
