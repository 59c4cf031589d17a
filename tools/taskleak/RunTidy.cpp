//===--- RunTidy.cpp - clang-tidy's engine over the project's own code ----===//
#include "tools/taskleak/RunTidy.h"
#include "lib/LLVMCompat.h"

#include "clang-tidy/ClangTidyDiagnosticConsumer.h"
#include "clang-tidy/ClangTidyModule.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclGroup.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Frontend/MultiplexConsumer.h"
#include "clang/Lex/PreprocessorOptions.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/Tooling.h"

using namespace clang;
using namespace clang::tidy;
using namespace clang::tooling;

namespace taskleak {
namespace {

/// Forwards everything to clang-tidy's consumer; before the matchers run,
/// limits the AST's traversal scope to the top-level declarations that are
/// not in system headers.
class ProjectScopeConsumer : public MultiplexConsumer {
public:
  ProjectScopeConsumer(std::unique_ptr<ASTConsumer> Tidy, SourceManager &SM)
      : MultiplexConsumer(one(std::move(Tidy))), SM(SM) {}

  bool HandleTopLevelDecl(DeclGroupRef DG) override {
    for (Decl *D : DG)
      if (!SM.isInSystemHeader(SM.getExpansionLoc(D->getLocation())))
        Project.push_back(D);
    return MultiplexConsumer::HandleTopLevelDecl(DG);
  }

  void HandleTranslationUnit(ASTContext &Ctx) override {
    Ctx.setTraversalScope(Project);
    MultiplexConsumer::HandleTranslationUnit(Ctx);
  }

private:
  static std::vector<std::unique_ptr<ASTConsumer>>
  one(std::unique_ptr<ASTConsumer> C) {
    std::vector<std::unique_ptr<ASTConsumer>> V;
    V.push_back(std::move(C));
    return V;
  }

  SourceManager &SM;
  std::vector<Decl *> Project;
};

class Action : public ASTFrontendAction {
public:
  explicit Action(ClangTidyASTConsumerFactory &Factory) : Factory(Factory) {}
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 StringRef File) override {
    return std::make_unique<ProjectScopeConsumer>(
        Factory.createASTConsumer(CI, File), CI.getSourceManager());
  }

private:
  ClangTidyASTConsumerFactory &Factory;
};

class ActionFactory : public FrontendActionFactory {
public:
  ActionFactory(ClangTidyContext &Context,
                IntrusiveRefCntPtr<llvm::vfs::OverlayFileSystem> BaseFS)
      : ConsumerFactory(Context, std::move(BaseFS)) {}
  std::unique_ptr<FrontendAction> create() override {
    return std::make_unique<Action>(ConsumerFactory);
  }
  bool runInvocation(std::shared_ptr<CompilerInvocation> Invocation,
                     FileManager *Files,
                     std::shared_ptr<PCHContainerOperations> PCHContainerOps,
                     DiagnosticConsumer *DiagConsumer) override {
    // As clang-tidy: define __clang_analyzer__.
    Invocation->getPreprocessorOpts().SetUpStaticAnalyzer = true;
    return FrontendActionFactory::runInvocation(Invocation, Files,
                                                PCHContainerOps, DiagConsumer);
  }

private:
  ClangTidyASTConsumerFactory ConsumerFactory;
};

} // namespace

std::vector<ClangTidyError>
runTaskleakTidy(ClangTidyContext &Context,
                const CompilationDatabase &Compilations,
                ArrayRef<std::string> InputFiles,
                IntrusiveRefCntPtr<llvm::vfs::OverlayFileSystem> BaseFS,
                bool ApplyAnyFix) {
  ClangTool Tool(Compilations, InputFiles,
                 std::make_shared<PCHContainerOperations>(), BaseFS);
  // The argument adjustments of runClangTidy: ExtraArgsBefore/ExtraArgs of
  // the file's options, and no compiler plugins.
  Tool.appendArgumentsAdjuster([&Context](const CommandLineArguments &Args,
                                          StringRef Filename) {
    ClangTidyOptions Opts = Context.getOptionsForFile(Filename);
    CommandLineArguments Adjusted = Args;
    if (Opts.ExtraArgsBefore) {
      auto I = Adjusted.begin();
      if (I != Adjusted.end() && !StringRef(*I).starts_with("-"))
        ++I; // the compiler's name
      Adjusted.insert(I, Opts.ExtraArgsBefore->begin(),
                      Opts.ExtraArgsBefore->end());
    }
    if (Opts.ExtraArgs)
      Adjusted.insert(Adjusted.end(), Opts.ExtraArgs->begin(),
                      Opts.ExtraArgs->end());
    return Adjusted;
  });
  Tool.appendArgumentsAdjuster(getStripPluginsAdjuster());
  Context.setEnableProfiling(false);

  ClangTidyDiagnosticConsumer DiagConsumer(Context, nullptr, true, ApplyAnyFix);
  const compat::ContextDiagnostics DE(Context, &DiagConsumer);
  Tool.setDiagnosticConsumer(&DiagConsumer);

  ActionFactory Factory(Context, std::move(BaseFS));
  Tool.run(&Factory);
  return DiagConsumer.take();
}

} // namespace taskleak
