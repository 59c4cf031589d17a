//===--- Matchers.cpp - AST matchers built from the models -----------------===//
#include "lib/Matchers.h"
#include "lib/InferredModels.h"
#include "lib/Parents.h"
#include "lib/ThreadLifetime.h"

#include "llvm/ADT/StringSet.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace taskleak {
namespace {
// isInstantiated() and isInTemplateInstantiation() without clang's parent
// map of the whole TU (lib/Parents.h).
AST_MATCHER(Decl, isInstantiatedDecl) {
  (void)Builder;
  return inTemplateInstantiation(Finder->getASTContext(),
                                 DynTypedNode::create(Node),
                                 /*IncludeSelf=*/true);
}
AST_MATCHER(Stmt, isInInstantiation) {
  (void)Builder;
  return inTemplateInstantiation(Finder->getASTContext(),
                                 DynTypedNode::create(Node));
}
} // namespace

StatementMatcher spawnCandidate(const Library &Lib) {
  std::vector<std::string> Functions = Lib.spawnFactoryNames();
  std::vector<std::string> Classes;
  for (const SpawnModel &S : Lib.models().Spawns)
    (S.IsConstructor ? Classes : Functions).push_back(S.Name);
  return expr(unless(isExpansionInSystemHeader()),
              anyOf(callExpr(callee(functionDecl(hasAnyName(std::vector<StringRef>(Functions.begin(), Functions.end()))))),
                    cxxConstructExpr(hasDeclaration(
                        cxxConstructorDecl(ofClass(hasAnyName(std::vector<StringRef>(Classes.begin(), Classes.end()))))))))
      .bind("spawn");
}

DeclarationMatcher syncObjectCandidate(const Library &Lib, bool Channels) {
  std::vector<std::string> Names;
  if (Channels)
    for (const ChannelModel &C : Lib.models().Channels)
      Names.push_back(C.Type);
  else
    for (const WaitGroupModel &W : Lib.models().WaitGroups)
      Names.push_back(W.Type);
  auto Modelled = namedDecl(
      hasAnyName(std::vector<StringRef>(Names.begin(), Names.end())));
  // Channels and wait groups may also be user classes that look like them
  // (Library::channelModel / waitGroupModel decide).
  auto Candidate = namedDecl(
      anyOf(Modelled, cxxRecordDecl(hasMethod(cxxMethodDecl(hasAnyName(
                          Channels ? inferredSendNames()
                                   : inferredDoneNames()))))));
  return varDecl(hasLocalStorage(), unless(parmVarDecl()),
                 unless(isExpansionInSystemHeader()),
                 hasType(hasUnqualifiedDesugaredType(
                     recordType(hasDeclaration(Candidate)))))
      .bind("var");
}

DeclarationMatcher taskFunctionCandidate() {
  return functionDecl(isDefinition(), unless(isExpansionInSystemHeader()),
                      unless(isImplicit()))
      .bind("func");
}

static std::vector<StringRef> threadClassNames(const Library &Lib) {
  std::vector<StringRef> Names;
  for (const ThreadClassModel &C : Lib.threadClasses())
    Names.push_back(C.Type);
  return Names;
}

/// The members that detach a thread of some thread class.
static std::vector<StringRef> detachNames(const Library &Lib) {
  std::vector<StringRef> Names;
  for (const ThreadClassModel &C : Lib.threadClasses())
    for (const std::string &N : C.Detach)
      Names.push_back(N);
  return Names;
}

DeclarationMatcher threadObjectCandidate(const Library &Lib) {
  auto ThreadType = hasType(hasUnqualifiedDesugaredType(recordType(
      hasDeclaration(namedDecl(hasAnyName(threadClassNames(Lib)))))));
  return decl(unless(isExpansionInSystemHeader()),
              anyOf(varDecl(hasLocalStorage(), unless(parmVarDecl()),
                            ThreadType),
                    fieldDecl(ThreadType)),
              unless(isInstantiatedDecl()))
      .bind("thread");
}

StatementMatcher detachCandidate(const Library &Lib) {
  std::vector<StringRef> Functions;
  for (const std::string &F : Lib.models().DetachFunctions)
    Functions.push_back(F);
  return expr(anyOf(cxxMemberCallExpr(callee(cxxMethodDecl(
                        hasAnyName(detachNames(Lib)),
                        ofClass(hasAnyName(threadClassNames(Lib)))))),
                    callExpr(callee(functionDecl(hasAnyName(Functions))),
                             argumentCountIs(1))),
              unless(isExpansionInSystemHeader()), unless(isInInstantiation()))
      .bind("detach");
}

} // namespace taskleak
