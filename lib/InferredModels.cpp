//===--- InferredModels.cpp - channel models read off user classes --------===//
#include "lib/InferredModels.h"

#include "lib/Library.h"

#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/STLExtras.h"

using namespace clang;

namespace taskleak {

namespace {

constexpr StringRef SendNames[] = {"send",  "push",    "put",      "enqueue",
                                   "write", "produce", "push_back"};
constexpr StringRef ReceiveNames[] = {"recv",    "receive", "pop",
                                      "take",    "dequeue", "read",
                                      "get",     "consume", "pop_front"};
constexpr StringRef CloseNames[] = {"close", "shutdown", "cancel", "stop"};
constexpr StringRef AddNames[] = {"add", "Add"};
constexpr StringRef DoneNames[] = {"done", "Done", "count_down", "countDown",
                                   "CountDown"};
constexpr StringRef WaitNames[] = {"wait", "Wait", "await"};

/// The operation a name stands for once the give-up decorations are removed:
/// try_pop -> pop, recv_for -> recv, timed_receive -> receive.
StringRef baseOperation(StringRef Name) {
  Name.consume_front("try_");
  Name.consume_front("timed_");
  for (StringRef Suffix : {"_wait_for", "_wait_until", "_for", "_until",
                           "_with_timeout", "_timeout", "_timed"})
    if (Name.consume_back(Suffix))
      break;
  return Name;
}

/// Waits that only return when another thread acts: a condition variable's
/// or semaphore's untimed wait, pthread_cond_wait, sem_wait.
class BlockingWaitFinder : public RecursiveASTVisitor<BlockingWaitFinder> {
public:
  explicit BlockingWaitFinder(const ModelSet &Models) : Models(Models) {}
  bool Found = false;

  bool VisitCallExpr(CallExpr *C) {
    if (const FunctionDecl *F = C->getDirectCallee())
      for (const std::string &Name : Models.BlockingFunctions)
        Found |= matchesQualifiedName(F, Name);
    return !Found;
  }
  bool VisitMemberExpr(MemberExpr *E) {
    check(E->getMemberDecl() ? E->getMemberDecl()->getDeclName()
                             : DeclarationName(),
          E->getBase()->getType());
    return !Found;
  }
  bool VisitUnresolvedMemberExpr(UnresolvedMemberExpr *E) {
    check(E->getMemberName(), E->getBaseType());
    return !Found;
  }
  bool VisitCXXDependentScopeMemberExpr(CXXDependentScopeMemberExpr *E) {
    if (!E->isImplicitAccess())
      check(E->getMember(), E->getBase()->getType());
    return !Found;
  }

private:
  const ModelSet &Models;

  void check(DeclarationName Member, QualType Base) {
    if (!Member.isIdentifier())
      return;
    StringRef Name = Member.getAsIdentifierInfo()->getName();
    if (Name != "wait" && Name != "acquire")
      return;
    if (Base.isNull())
      return;
    if (const auto *PT = Base->getAs<PointerType>())
      Base = PT->getPointeeType();
    const CXXRecordDecl *RD = Base.getNonReferenceType()->getAsCXXRecordDecl();
    if (!RD)
      if (const auto *TST = Base->getAs<TemplateSpecializationType>())
        if (const TemplateDecl *TD =
                TST->getTemplateName().getAsTemplateDecl())
          RD = dyn_cast_or_null<CXXRecordDecl>(TD->getTemplatedDecl());
    if (!RD || !RD->getIdentifier())
      return;
    StringRef Class = RD->getName();
    if (Class.contains("condition_variable") || Class.contains("semaphore"))
      Found = true;
  }
};

/// The definition of \p M to read: its own, or its template's.
const FunctionDecl *definitionOf(const CXXMethodDecl *M) {
  if (const FunctionDecl *Def = M->getDefinition())
    return Def;
  if (const FunctionDecl *Pattern = M->getTemplateInstantiationPattern())
    return Pattern->getDefinition();
  return nullptr;
}

bool blocks(const CXXMethodDecl *M, const ModelSet &Models) {
  const FunctionDecl *Def = definitionOf(M);
  if (!Def || !Def->getBody())
    return false;
  BlockingWaitFinder F(Models);
  F.TraverseStmt(Def->getBody());
  return F.Found;
}

bool isCapacityType(QualType T) {
  T = T.getCanonicalType();
  return T->isIntegerType() && !T->isBooleanType() && !T->isEnumeralType() &&
         !T->isCharType();
}

} // namespace

bool namesGiveUpOperation(StringRef Method) {
  return Method.starts_with("try_") || Method.starts_with("timed_") ||
         Method.ends_with("_for") || Method.ends_with("_until") ||
         Method.contains("wait_for") || Method.contains("wait_until") ||
         Method.ends_with("_timeout") || Method.ends_with("_timed");
}

llvm::ArrayRef<StringRef> inferredSendNames() { return SendNames; }

namespace {

/// The definition of a class of the project: defined, outside system
/// headers and the namespaces of libraries (which have real models, or none
/// on purpose).
const CXXRecordDecl *projectClass(const CXXRecordDecl *RD,
                                  const ModelSet &Models) {
  if (!RD || !RD->hasDefinition() || !RD->getIdentifier())
    return nullptr;
  RD = RD->getDefinition();
  const SourceManager &SM = RD->getASTContext().getSourceManager();
  if (SM.isInSystemHeader(RD->getLocation()))
    return nullptr;
  for (const DeclContext *DC = RD->getDeclContext(); DC; DC = DC->getParent())
    if (const auto *NS = dyn_cast<NamespaceDecl>(DC))
      if (NS->getIdentifier() &&
          llvm::is_contained(Models.OpaqueNamespaces, NS->getName()))
        return nullptr;
  return RD;
}

/// The position of the integral parameter every constructor that takes
/// arguments has (copy and move constructors aside); none when a
/// constructor has none or they disagree.
std::optional<unsigned> integralConstructorParam(const CXXRecordDecl *RD) {
  std::optional<unsigned> Position;
  for (const CXXConstructorDecl *C : RD->ctors()) {
    if (C->isCopyOrMoveConstructor() || C->isImplicit() ||
        C->getNumParams() == 0)
      continue;
    std::optional<unsigned> Here;
    for (unsigned I = 0; I < C->getNumParams(); ++I)
      if (isCapacityType(C->getParamDecl(I)->getType())) {
        Here = I;
        break;
      }
    if (!Here || (Position && *Position != *Here))
      return std::nullopt;
    Position = Here;
  }
  return Position;
}

} // namespace

std::optional<ChannelModel> inferChannelModel(const CXXRecordDecl *RD,
                                              const ModelSet &Models) {
  RD = projectClass(RD, Models);
  if (!RD)
    return std::nullopt;

  ChannelModel M;
  M.Type = RD->getQualifiedNameAsString();
  M.Inferred = true;
  bool BlockingSend = false, BlockingReceive = false;
  for (const CXXMethodDecl *MD : RD->methods()) {
    if (!MD->getIdentifier() || MD->isStatic() ||
        MD->getAccess() == AS_private)
      continue;
    StringRef Name = MD->getName();
    StringRef Base = baseOperation(Name);
    const bool GivesUp = namesGiveUpOperation(Name);
    if (llvm::is_contained(SendNames, Base)) {
      if (llvm::is_contained(M.Send, Name))
        continue;
      M.Send.push_back(Name.str());
      BlockingSend |= !GivesUp && blocks(MD, Models);
    } else if (llvm::is_contained(ReceiveNames, Base)) {
      if (llvm::is_contained(M.Receive, Name))
        continue;
      M.Receive.push_back(Name.str());
      // A receive that does not wait returns empty-handed like a try_.
      if (GivesUp || !blocks(MD, Models))
        M.TryReceive.push_back(Name.str());
      else
        BlockingReceive = true;
    } else if (llvm::is_contained(CloseNames, Name)) {
      if (!llvm::is_contained(M.Close, Name))
        M.Close.push_back(Name.str());
    }
  }
  if (!BlockingSend || (!BlockingReceive && M.TryReceive.empty()))
    return std::nullopt;

  // The capacity: an integral parameter at the same position of every
  // constructor that takes arguments.
  std::optional<unsigned> Capacity = integralConstructorParam(RD);
  if (!Capacity)
    return std::nullopt;
  M.CapacityArg = Capacity;
  return M;
}

std::optional<WaitGroupModel> inferWaitGroupModel(const CXXRecordDecl *RD,
                                                  const ModelSet &Models) {
  RD = projectClass(RD, Models);
  if (!RD)
    return std::nullopt;
  WaitGroupModel M;
  M.Type = RD->getQualifiedNameAsString();
  bool BlockingWait = false;
  for (const CXXMethodDecl *MD : RD->methods()) {
    if (!MD->getIdentifier() || MD->isStatic() ||
        MD->getAccess() == AS_private)
      continue;
    StringRef Name = MD->getName();
    auto Add = [&](std::vector<std::string> &To) {
      if (!llvm::is_contained(To, Name))
        To.push_back(Name.str());
    };
    if (llvm::is_contained(AddNames, Name))
      Add(M.Add);
    else if (llvm::is_contained(DoneNames, Name))
      Add(M.Done);
    else if (llvm::is_contained(WaitNames, Name) && blocks(MD, Models)) {
      Add(M.Wait);
      BlockingWait = true;
    }
  }
  if (M.Done.empty() || !BlockingWait)
    return std::nullopt;
  if (M.Add.empty()) {
    M.CountArg = integralConstructorParam(RD);
    if (!M.CountArg)
      return std::nullopt;
  }
  return M;
}

llvm::ArrayRef<StringRef> inferredDoneNames() { return DoneNames; }

} // namespace taskleak
