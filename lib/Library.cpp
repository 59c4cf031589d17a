//===--- Library.cpp - questions about library entities --------------------===//
#include "lib/Library.h"
#include "lib/InferredModels.h"

#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"

using namespace clang;

namespace taskleak {

static StringRef lastComponent(StringRef Qualified) {
  size_t Pos = Qualified.rfind("::");
  return Pos == StringRef::npos ? Qualified : Qualified.substr(Pos + 2);
}

bool matchesQualifiedName(const NamedDecl *D, StringRef QualifiedName) {
  if (!D)
    return false;
  QualifiedName.consume_front("::");
  StringRef Rest = QualifiedName;
  const DeclContext *Ctx = nullptr;
  // Compare the declaration's own name with the last component.
  {
    StringRef Last = lastComponent(Rest);
    const IdentifierInfo *II = D->getIdentifier();
    if (!II || II->getName() != Last)
      return false;
    Rest = Rest.drop_back(Last.size());
    Rest.consume_back("::");
    Ctx = D->getDeclContext();
  }
  for (; Ctx; Ctx = Ctx->getParent()) {
    if (Ctx->isTranslationUnit())
      break;
    if (isa<LinkageSpecDecl>(Ctx) || isa<ExportDecl>(Ctx))
      continue;
    if (const auto *NS = dyn_cast<NamespaceDecl>(Ctx)) {
      if (NS->isInline() || NS->isAnonymousNamespace())
        continue;
    }
    const auto *ND = dyn_cast<NamedDecl>(Ctx);
    if (!ND || !ND->getIdentifier() || Rest.empty())
      return false;
    StringRef Last = lastComponent(Rest);
    if (ND->getName() != Last)
      return false;
    Rest = Rest.drop_back(Last.size());
    Rest.consume_back("::");
  }
  return Rest.empty();
}

Library::Library(const ModelSet &M) : Models(M) {
  for (const SpawnModel &S : Models.Spawns)
    (S.IsConstructor ? SpawnClasses : SpawnFunctions)[lastComponent(S.Name)]
        .push_back(&S);
  for (const std::string &T : Models.StopTokenTypes)
    StopTokens[lastComponent(T)].push_back(T);
  for (const std::string &C : Models.CancellationPoints)
    CancellationPoints[lastComponent(C)].push_back(C);
  for (const ChannelModel &C : Models.Channels)
    Channels[lastComponent(C.Type)].push_back(&C);
  for (const WaitGroupModel &W : Models.WaitGroups)
    WaitGroups[lastComponent(W.Type)].push_back(&W);
  for (const BlockingWaitModel &B : Models.BlockingWaits)
    BlockingWaits[lastComponent(B.Type)].push_back(&B);
}

bool Library::anyNameMatches(
    const llvm::StringMap<std::vector<std::string>> &Index,
    const NamedDecl *D) const {
  if (!D || !D->getIdentifier())
    return false;
  auto It = Index.find(D->getName());
  if (It == Index.end())
    return false;
  for (const std::string &Name : It->second)
    if (matchesQualifiedName(D, Name))
      return true;
  return false;
}

const SpawnModel *Library::spawnFunction(const FunctionDecl *Callee) const {
  if (!Callee || !Callee->getIdentifier())
    return nullptr;
  auto It = SpawnFunctions.find(Callee->getName());
  if (It == SpawnFunctions.end())
    return nullptr;
  for (const SpawnModel *S : It->second)
    if (matchesQualifiedName(Callee, S->Name))
      return S;
  return nullptr;
}

const SpawnModel *Library::spawnClass(const CXXRecordDecl *Class) const {
  if (!Class || !Class->getIdentifier())
    return nullptr;
  auto It = SpawnClasses.find(Class->getName());
  if (It == SpawnClasses.end())
    return nullptr;
  for (const SpawnModel *S : It->second)
    if (matchesQualifiedName(Class, S->Name))
      return S;
  return nullptr;
}

/// Looks through references, pointers, arrays, std::reference_wrapper and
/// smart pointers to the record a value gives access to.
static const CXXRecordDecl *accessedRecord(QualType T) {
  for (int Guard = 0; Guard < 8 && !T.isNull(); ++Guard) {
    T = T.getNonReferenceType().getCanonicalType();
    if (const auto *PT = T->getAs<PointerType>()) {
      T = PT->getPointeeType();
      continue;
    }
    if (const auto *AT = dyn_cast<ArrayType>(T.getTypePtr())) {
      T = AT->getElementType();
      continue;
    }
    const CXXRecordDecl *RD = T->getAsCXXRecordDecl();
    if (!RD)
      return nullptr;
    if (const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(RD)) {
      if (Spec->getTemplateArgs().size() >= 1 &&
          Spec->getTemplateArgs()[0].getKind() == TemplateArgument::Type &&
          (matchesQualifiedName(RD, "std::reference_wrapper") ||
           matchesQualifiedName(RD, "std::shared_ptr") ||
           matchesQualifiedName(RD, "std::unique_ptr") ||
           matchesQualifiedName(RD, "std::optional"))) {
        T = Spec->getTemplateArgs()[0].getAsType();
        continue;
      }
    }
    return RD;
  }
  return nullptr;
}

bool Library::isStopTokenType(QualType T) const {
  return anyNameMatches(StopTokens, accessedRecord(T));
}

bool Library::isStdStopTokenOrSource(QualType T) {
  const CXXRecordDecl *RD = accessedRecord(T);
  return RD && (matchesQualifiedName(RD, "std::stop_token") ||
                matchesQualifiedName(RD, "std::stop_source"));
}

bool Library::isCancellationPoint(const NamedDecl *D) const {
  return anyNameMatches(CancellationPoints, D);
}

bool Library::isCancellationCall(const CallExpr *Call) const {
  if (isCancellationPoint(Call->getDirectCallee()))
    return true;
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(Call))
    if (const Expr *Obj = MC->getImplicitObjectArgument())
      if (MC->getMethodDecl() && isStopTokenType(Obj->getType()) &&
          MC->getMethodDecl()->getName().contains("stop_requested"))
        return true;
  for (const Expr *Arg : Call->arguments())
    if (Arg && isStopTokenType(Arg->getType()))
      return true;
  return false;
}

bool Library::isAtomicFlagType(QualType T) {
  const CXXRecordDecl *RD = accessedRecord(T);
  if (!RD)
    return false;
  if (matchesQualifiedName(RD, "std::atomic_flag"))
    return true;
  if (const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(RD))
    if (matchesQualifiedName(RD, "std::atomic") &&
        Spec->getTemplateArgs().size() == 1 &&
        Spec->getTemplateArgs()[0].getKind() == TemplateArgument::Type)
      return Spec->getTemplateArgs()[0].getAsType()->isBooleanType();
  return false;
}

static bool inAsio(const NamedDecl *D, StringRef Name) {
  return matchesQualifiedName(D, ("boost::asio::" + Name).str()) ||
         matchesQualifiedName(D, ("asio::" + Name).str());
}

CompletionTokenKind Library::classifyCompletionToken(const Expr *Token) const {
  if (!Token)
    return CompletionTokenKind::Other;
  const Expr *E = Token->IgnoreParenImpCasts();
  if (const auto *MT = dyn_cast<MaterializeTemporaryExpr>(E))
    E = MT->getSubExpr()->IgnoreParenImpCasts();
  if (isa<LambdaExpr>(E))
    return CompletionTokenKind::Callback;
  if (const auto *Call = dyn_cast<CallExpr>(E))
    if (const FunctionDecl *FD = Call->getDirectCallee())
      if (inAsio(FD, "bind_cancellation_slot"))
        return CompletionTokenKind::CancellationBound;
  QualType T = E->getType();
  if (T->isFunctionType() || T->isFunctionPointerType())
    return CompletionTokenKind::Callback;
  const CXXRecordDecl *RD = accessedRecord(T);
  if (!RD)
    return CompletionTokenKind::Other;
  if (inAsio(RD, "detached_t"))
    return CompletionTokenKind::Detached;
  if (inAsio(RD, "use_awaitable_t"))
    return CompletionTokenKind::Awaited;
  if (inAsio(RD, "cancellation_slot_binder"))
    return CompletionTokenKind::CancellationBound;
  if (RD->isLambda())
    return CompletionTokenKind::Callback;
  return CompletionTokenKind::Other;
}

template <typename M>
static const M *modelOfType(const llvm::StringMap<std::vector<const M *>> &Index,
                            QualType T) {
  T = T.getNonReferenceType();
  if (const auto *PT = T->getAs<PointerType>())
    T = PT->getPointeeType();
  const CXXRecordDecl *RD = T.getCanonicalType()->getAsCXXRecordDecl();
  if (!RD || !RD->getIdentifier())
    return nullptr;
  auto It = Index.find(RD->getName());
  if (It == Index.end())
    return nullptr;
  for (const M *Model : It->second)
    if (matchesQualifiedName(RD, Model->Type))
      return Model;
  return nullptr;
}

/// The model read off the class \p T gives access to, computed once per class.
template <typename M>
static const M *
inferredModel(llvm::DenseMap<const CXXRecordDecl *, std::unique_ptr<M>> &Cache,
              QualType T, std::optional<M> (*Infer)(const CXXRecordDecl *)) {
  const CXXRecordDecl *RD = accessedRecord(T);
  if (!RD)
    return nullptr;
  auto [It, New] = Cache.try_emplace(RD);
  if (New)
    if (std::optional<M> Model = Infer(RD))
      It->second = std::make_unique<M>(std::move(*Model));
  return It->second.get();
}

const ChannelModel *Library::channelModel(QualType T) const {
  if (const ChannelModel *M = modelOfType(Channels, T))
    return M;
  return inferredModel(InferredChannels, T, &inferChannelModel);
}

bool Library::isTrySend(StringRef Method) {
  return namesGiveUpOperation(Method);
}

bool Library::isTryReceive(const ChannelModel &M, StringRef Method) {
  return namesGiveUpOperation(Method) || llvm::is_contained(M.TryReceive, Method);
}

const WaitGroupModel *Library::waitGroupModel(QualType T) const {
  if (const WaitGroupModel *M = modelOfType(WaitGroups, T))
    return M;
  return inferredModel(InferredWaitGroups, T, &inferWaitGroupModel);
}

/// The model of the record \p RD in \p Index, by qualified name.
template <typename M>
static const M *modelOfRecord(
    const llvm::StringMap<std::vector<const M *>> &Index,
    const CXXRecordDecl *RD) {
  if (!RD || !RD->getIdentifier())
    return nullptr;
  auto It = Index.find(RD->getName());
  if (It == Index.end())
    return nullptr;
  for (const M *Model : It->second)
    if (matchesQualifiedName(RD, Model->Type))
      return Model;
  return nullptr;
}

static bool contains(const std::vector<std::string> &Names, StringRef Name) {
  for (const std::string &N : Names)
    if (Name == N)
      return true;
  return false;
}

/// The record a member call is made on (through pointers, references, smart
/// pointers) and the called member's name.
static const CXXRecordDecl *calledOn(const CXXMemberCallExpr *Call,
                                     StringRef &Member) {
  const CXXMethodDecl *MD = Call ? Call->getMethodDecl() : nullptr;
  const Expr *Obj = Call ? Call->getImplicitObjectArgument() : nullptr;
  if (!MD || !MD->getIdentifier() || !Obj)
    return nullptr;
  Member = MD->getName();
  // The class the call is made on, not the base that declares the member
  // (std::shared_future::wait is std::__basic_future's).
  return accessedRecord(Obj->IgnoreParenImpCasts()->getType());
}

std::string Library::blockingWait(const CXXMemberCallExpr *Call) const {
  StringRef Member;
  const CXXRecordDecl *RD = calledOn(Call, Member);
  if (!RD)
    return {};
  auto Named = [&](const std::string &Type) {
    return Type + "::" + Member.str();
  };
  if (const auto *B = modelOfRecord(BlockingWaits, RD))
    if (contains(B->Wait, Member))
      return Named(B->Type);
  // Channels, configured or inferred: try_ and timed receives return without
  // a value; async_ ones do not block the thread.
  if (const auto *C = channelModel(
          Call->getImplicitObjectArgument()->IgnoreParenImpCasts()->getType()))
    if (contains(C->Receive, Member) && !isTryReceive(*C, Member) &&
        !Member.starts_with("async_"))
      return Named(C->Type);
  if (const auto *W = modelOfRecord(WaitGroups, RD))
    if (contains(W->Wait, Member))
      return Named(W->Type);
  return {};
}

bool Library::wakesWaiters(const CXXMemberCallExpr *Call) const {
  StringRef Member;
  const CXXRecordDecl *RD = calledOn(Call, Member);
  if (!RD)
    return false;
  if (const auto *B = modelOfRecord(BlockingWaits, RD))
    if (contains(B->Wake, Member))
      return true;
  if (const auto *C = channelModel(
          Call->getImplicitObjectArgument()->IgnoreParenImpCasts()->getType()))
    if (contains(C->Close, Member))
      return true;
  if (const auto *W = modelOfRecord(WaitGroups, RD))
    if (contains(W->Done, Member))
      return true;
  return false;
}

} // namespace taskleak
