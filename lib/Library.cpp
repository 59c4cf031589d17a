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
  if (QualifiedName.consume_front("*::")) // that name in any scope
    return D->getIdentifier() && D->getName() == QualifiedName;
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

NameSet::NameSet(const std::vector<std::string> &Names) {
  for (const std::string &N : Names)
    insert(N);
}

void NameSet::insert(const std::string &Name) {
  ByLast[lastComponent(Name)].push_back(Name);
}

const std::string *NameSet::match(const NamedDecl *D) const {
  if (!D || !D->getIdentifier())
    return nullptr;
  auto It = ByLast.find(D->getName());
  if (It == ByLast.end())
    return nullptr;
  for (const std::string &Name : It->second)
    if (matchesQualifiedName(D, Name))
      return &Name;
  return nullptr;
}

Library::Library(const ModelSet &M)
    : Models(M), ReferenceWrappers(Models.ReferenceWrappers),
      MoveFunctions(Models.MoveFunctions),
      ObjectAccessors(Models.ObjectAccessors),
      ForEachAlgorithms(Models.ForEachAlgorithms),
      FixedSizeArrays(Models.FixedSizeArrays),
      BlockingFunctions(Models.BlockingFunctions),
      ProcessExits(Models.ProcessExits),
      DetachFunctions(Models.DetachFunctions) {
  for (const CallableAdapterModel &A : Models.CallableAdapters)
    (A.IsType ? CallableWrappers : Binders).insert(A.Name);
  for (const SpawnFactoryModel &F : Models.SpawnFactories)
    if (!F.IsMember)
      FunctionFactories.insert(F.Name);
  for (const std::string &F : Models.AtomicFlags) {
    StringRef Name(F);
    if (Name.consume_back("<bool>"))
      AtomicFlagTemplates.insert(Name.str());
    else
      AtomicFlagClasses.insert(F);
  }
  for (const ThreadClassModel &T : Models.ThreadClasses)
    ThreadClasses[lastComponent(T.Type)].push_back(&T);
  for (const HandleModel &H : Models.Handles)
    Handles[lastComponent(H.Type)].push_back(&H);
  for (const StopTokenModel &T : Models.StopTokens)
    StopTokenKinds[lastComponent(T.Type)].push_back(&T);
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
  for (const SleepModel &S : Models.Sleeps)
    Sleeps[lastComponent(S.Function)].push_back(&S);
  for (const ConditionVariableModel &C : Models.ConditionVariables)
    CondVars[lastComponent(C.Type)].push_back(&C);
  for (const MutexModel &M : Models.Mutexes)
    Mutexes[lastComponent(M.Type)].push_back(&M);
  for (const LockGuardModel &G : Models.LockGuards)
    LockGuards[lastComponent(G.Type)].push_back(&G);
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

/// The model in \p Index whose qualified name (the member \p Key) names
/// \p D. The index is keyed by the last name component, so most
/// declarations are rejected by one hash lookup.
template <typename M>
static const M *modelNamed(const llvm::StringMap<std::vector<const M *>> &Index,
                           const NamedDecl *D, std::string M::*Key) {
  if (!D || !D->getIdentifier())
    return nullptr;
  auto It = Index.find(D->getName());
  if (It == Index.end())
    return nullptr;
  for (const M *Model : It->second)
    if (matchesQualifiedName(D, Model->*Key))
      return Model;
  return nullptr;
}

const SpawnModel *Library::spawnFunction(const FunctionDecl *Callee) const {
  return modelNamed(SpawnFunctions, Callee, &SpawnModel::Name);
}

const SpawnModel *Library::spawnClass(const CXXRecordDecl *Class) const {
  return modelNamed(SpawnClasses, Class, &SpawnModel::Name);
}

/// The model of the record \p RD in \p Index, by qualified name.
template <typename M>
static const M *modelOfRecord(
    const llvm::StringMap<std::vector<const M *>> &Index,
    const CXXRecordDecl *RD) {
  return modelNamed(Index, RD, &M::Type);
}

/// The first template argument of \p RD when it is a type.
static QualType firstTypeArg(const CXXRecordDecl *RD) {
  const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(RD);
  if (!Spec || Spec->getTemplateArgs().size() < 1 ||
      Spec->getTemplateArgs()[0].getKind() != TemplateArgument::Type)
    return QualType();
  return Spec->getTemplateArgs()[0].getAsType();
}

const Library &Library::builtin() {
  static thread_local const Library B(ModelSet::builtins());
  return B;
}

const HandleModel *Library::handle(const CXXRecordDecl *RD) const {
  return modelOfRecord(Handles, RD);
}

static bool givesAccess(HandleKind K) { return K != HandleKind::Weak; }

const CXXRecordDecl *Library::accessedRecord(QualType T) const {
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
    if (const HandleModel *H = handle(RD); H && givesAccess(H->Kind))
      if (QualType Arg = firstTypeArg(RD); !Arg.isNull()) {
        T = Arg;
        continue;
      }
    return RD;
  }
  return nullptr;
}

bool Library::isAliasingHandleType(QualType T) const {
  T = T.getNonReferenceType();
  if (T->isPointerType())
    return true;
  const HandleModel *H = handle(T->getAsCXXRecordDecl());
  return H && (H->Kind == HandleKind::Shared || H->Kind == HandleKind::Weak ||
               H->Kind == HandleKind::Reference);
}

bool Library::keepsAlive(QualType T) const {
  const HandleModel *H = handle(T.getNonReferenceType()->getAsCXXRecordDecl());
  return H && H->Kind == HandleKind::Shared;
}

QualType Library::ownedObjectType(QualType T) const {
  const CXXRecordDecl *RD =
      T.getNonReferenceType().getCanonicalType()->getAsCXXRecordDecl();
  const HandleModel *H = handle(RD);
  if (!H || (H->Kind != HandleKind::Shared && H->Kind != HandleKind::Unique))
    return QualType();
  return firstTypeArg(RD);
}

bool Library::isStopTokenType(QualType T) const {
  return anyNameMatches(StopTokens, accessedRecord(T));
}

bool Library::isCancellationPoint(const NamedDecl *D) const {
  return anyNameMatches(CancellationPoints, D);
}

bool Library::isCancellationCall(const CallExpr *Call) const {
  if (isCancellationPoint(Call->getDirectCallee()))
    return true;
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(Call))
    if (isStopQueryOnToken(MC))
      return true;
  for (const Expr *Arg : Call->arguments())
    if (Arg && isStopTokenType(Arg->getType()))
      return true;
  return false;
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
      for (const CompletionTokenModel &M : Models.CompletionTokens)
        if (M.IsFunction && matchesQualifiedName(FD, M.Name))
          return M.Means;
  QualType T = E->getType();
  if (T->isFunctionType() || T->isFunctionPointerType())
    return CompletionTokenKind::Callback;
  const CXXRecordDecl *RD = accessedRecord(T);
  if (!RD)
    return CompletionTokenKind::Other;
  for (const CompletionTokenModel &M : Models.CompletionTokens)
    if (!M.IsFunction && matchesQualifiedName(RD, M.Name))
      return M.Means;
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
              const CXXRecordDecl *RD, const ModelSet &Models,
              std::optional<M> (*Infer)(const CXXRecordDecl *,
                                        const ModelSet &)) {
  if (!RD)
    return nullptr;
  auto [It, New] = Cache.try_emplace(RD);
  if (New)
    if (std::optional<M> Model = Infer(RD, Models))
      It->second = std::make_unique<M>(std::move(*Model));
  return It->second.get();
}

const ChannelModel *Library::channelModel(QualType T) const {
  if (const ChannelModel *M = modelOfType(Channels, T))
    return M;
  return inferredModel(InferredChannels, accessedRecord(T), Models,
                       &inferChannelModel);
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
  return inferredModel(InferredWaitGroups, accessedRecord(T), Models,
                       &inferWaitGroupModel);
}

static bool contains(const std::vector<std::string> &Names, StringRef Name) {
  for (const std::string &N : Names)
    if (Name == N)
      return true;
  return false;
}

/// The record a member call is made on (through pointers, references, smart
/// pointers) and the called member's name.
static const CXXRecordDecl *calledOn(const Library &Lib,
                                     const CXXMemberCallExpr *Call,
                                     StringRef &Member) {
  const CXXMethodDecl *MD = Call ? Call->getMethodDecl() : nullptr;
  const Expr *Obj = Call ? Call->getImplicitObjectArgument() : nullptr;
  if (!MD || !MD->getIdentifier() || !Obj)
    return nullptr;
  Member = MD->getName();
  // The class the call is made on, not the base that declares the member
  // (std::shared_future::wait is std::__basic_future's).
  return Lib.accessedRecord(Obj->IgnoreParenImpCasts()->getType());
}

std::string Library::blockingWait(const CXXMemberCallExpr *Call) const {
  StringRef Member;
  const CXXRecordDecl *RD = calledOn(*this, Call, Member);
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
  const CXXRecordDecl *RD = calledOn(*this, Call, Member);
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

bool Library::isResultObject(const CXXRecordDecl *RD) const {
  if (!RD || threadClass(RD))
    return false;
  const auto *B = modelOfRecord(BlockingWaits, RD);
  return B && B->Wake.empty();
}

// --- Spawns ------------------------------------------------------------------

bool Library::isOptionalLeadingArg(const SpawnModel &M, const Expr *Arg) const {
  if (!Arg || M.OptionalLeadingArgs.empty())
    return false;
  QualType T = Arg->getType().getCanonicalType();
  if (T->isPointerType())
    T = T->getPointeeType();
  const NamedDecl *D = nullptr;
  if (const auto *ET = T->getAs<EnumType>())
    D = ET->getDecl();
  else
    D = T->getAsCXXRecordDecl();
  for (const std::string &Name : M.OptionalLeadingArgs)
    if (matchesQualifiedName(D, Name))
      return true;
  return false;
}

const CXXRecordDecl *Library::builtByFactory(const CallExpr *Call,
                                             bool MayTakeNoArguments) const {
  const FunctionDecl *Callee = Call ? Call->getDirectCallee() : nullptr;
  if (!Callee || !Callee->getIdentifier() ||
      (Call->getNumArgs() < 1 && !MayTakeNoArguments))
    return nullptr;
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(Call)) {
    for (const SpawnFactoryModel &F : Models.SpawnFactories)
      if (F.IsMember && Callee->getName() == F.Name) {
        QualType Elem = firstTypeArg(
            MC->getObjectType().getNonReferenceType()->getAsCXXRecordDecl());
        return Elem.isNull() ? nullptr : Elem->getAsCXXRecordDecl();
      }
    return nullptr;
  }
  const TemplateArgumentList *Args = Callee->getTemplateSpecializationArgs();
  if (!FunctionFactories.contains(Callee) || !Args || Args->size() < 1 ||
      Args->get(0).getKind() != TemplateArgument::Type)
    return nullptr;
  return Args->get(0).getAsType()->getAsCXXRecordDecl();
}

std::vector<std::string> Library::spawnFactoryNames() const {
  std::vector<std::string> Names;
  for (const SpawnFactoryModel &F : Models.SpawnFactories)
    Names.push_back(lastComponent(F.Name).str());
  return Names;
}

bool Library::isSpawnFactoryMember(StringRef Name) const {
  for (const SpawnFactoryModel &F : Models.SpawnFactories)
    if (F.IsMember && F.Name == Name)
      return true;
  return false;
}

// --- Thread classes ----------------------------------------------------------

const ThreadClassModel *Library::threadClass(const CXXRecordDecl *RD) const {
  return modelOfRecord(ThreadClasses, RD);
}

const ThreadClassModel *Library::threadClass(QualType T) const {
  if (T.isNull())
    return nullptr;
  return threadClass(T.getCanonicalType()->getAsCXXRecordDecl());
}

const ThreadClassModel *Library::threadClassNamed(StringRef Name) const {
  for (const ThreadClassModel &T : Models.ThreadClasses)
    if (T.Type == Name)
      return &T;
  return nullptr;
}

bool Library::isJoin(const ThreadClassModel &C, StringRef Member) {
  return contains(C.Join, Member);
}
bool Library::isDetach(const ThreadClassModel &C, StringRef Member) {
  return contains(C.Detach, Member);
}
bool Library::isJoinableQuery(const ThreadClassModel &C, StringRef Member) {
  return contains(C.Joinable, Member);
}
bool Library::isRequestStop(const ThreadClassModel &C, StringRef Member) {
  return contains(C.RequestStop, Member);
}

bool Library::isRequestStopName(StringRef Member) const {
  for (const ThreadClassModel &T : Models.ThreadClasses)
    if (!T.StopToken.empty() && isRequestStop(T, Member))
      return true;
  return false;
}

bool Library::hasBlockingDestructor(const CXXRecordDecl *RD,
                                    bool FromAsync) const {
  for (const BlockingDestructorModel &D : Models.BlockingDestructors)
    if ((FromAsync || !D.FromAsyncOnly) && matchesQualifiedName(RD, D.Type))
      return true;
  return false;
}

// --- Stop requests -----------------------------------------------------------

std::optional<StopTokenKind> Library::stopTokenKind(QualType T) const {
  return stopTokenKind(accessedRecord(T));
}

std::optional<StopTokenKind>
Library::stopTokenKind(const CXXRecordDecl *RD) const {
  if (const StopTokenModel *M = modelOfRecord(StopTokenKinds, RD))
    return M->Kind;
  if (anyNameMatches(StopTokens, RD))
    return StopTokenKind::Handle;
  return std::nullopt;
}

bool Library::isStopTokenOrSource(QualType T) const {
  std::optional<StopTokenKind> K = stopTokenKind(T);
  return K && (*K == StopTokenKind::Token || *K == StopTokenKind::Source);
}

bool Library::isStopCallbackType(QualType T) const {
  const StopTokenModel *M = modelOfRecord(
      StopTokenKinds, T.getNonReferenceType()->getAsCXXRecordDecl());
  return M && M->Kind == StopTokenKind::Callback;
}

bool Library::isStopQueryName(StringRef Member) const {
  return contains(Models.StopQueries, Member);
}

bool Library::isStopQueryOnToken(const CXXMemberCallExpr *Call) const {
  const CXXMethodDecl *MD = Call ? Call->getMethodDecl() : nullptr;
  const Expr *Obj = Call ? Call->getImplicitObjectArgument() : nullptr;
  if (!MD || !MD->getIdentifier() || !Obj || !isStopTokenType(Obj->getType()))
    return false;
  for (const std::string &Q : Models.StopQueries)
    if (MD->getName().contains(Q))
      return true;
  return false;
}

bool Library::takesStopToken(StringRef WaitName) const {
  return contains(Models.StopTokenWaits, WaitName);
}

bool Library::isStopFlagType(QualType T) const {
  const CXXRecordDecl *RD = accessedRecord(T);
  if (!RD)
    return false;
  if (AtomicFlagClasses.contains(RD))
    return true;
  if (!AtomicFlagTemplates.contains(RD))
    return false;
  const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(RD);
  return Spec && Spec->getTemplateArgs().size() == 1 &&
         Spec->getTemplateArgs()[0].getKind() == TemplateArgument::Type &&
         Spec->getTemplateArgs()[0].getAsType()->isBooleanType();
}

bool Library::isUncancellableAwait(const Expr *E) const {
  using K = UncancellableAwaitModel;
  if (const auto *DRE = dyn_cast_or_null<DeclRefExpr>(E)) {
    for (const K &A : Models.UncancellableAwaits)
      if (A.K == K::Variable && matchesQualifiedName(DRE->getDecl(), A.Name))
        return true;
    return false;
  }
  const auto *Call = dyn_cast_or_null<CallExpr>(E);
  const FunctionDecl *Callee = Call ? Call->getDirectCallee() : nullptr;
  if (!Callee || !Callee->getIdentifier())
    return false;
  for (const K &A : Models.UncancellableAwaits) {
    if (A.K == K::Function && matchesQualifiedName(Callee, A.Name))
      return true;
    if (A.K != K::Member || Callee->getName() != A.Name)
      continue;
    const auto *MC = dyn_cast<CXXMemberCallExpr>(Call);
    const CXXRecordDecl *RD = MC ? MC->getRecordDecl() : nullptr;
    if (RD && RD->getIdentifier() &&
        RD->getName().contains_insensitive(A.ClassNameContains))
      return true;
  }
  return false;
}

// --- Helpers looked through --------------------------------------------------

std::string Library::referenceWrapperName(const CallExpr *Call) const {
  const FunctionDecl *FD = Call ? Call->getDirectCallee() : nullptr;
  if (!FD || Call->getNumArgs() != 1)
    return {};
  const std::string *Name = ReferenceWrappers.match(FD);
  return Name ? *Name : std::string();
}

bool Library::isReferenceWrapperCall(const CallExpr *Call) const {
  return !referenceWrapperName(Call).empty();
}

bool Library::isMoveFunction(const FunctionDecl *FD) const {
  return MoveFunctions.contains(FD);
}

bool Library::isObjectAccessor(const FunctionDecl *FD) const {
  return ObjectAccessors.contains(FD);
}

bool Library::isBinder(const FunctionDecl *FD) const {
  return Binders.contains(FD);
}

bool Library::isCallableWrapper(const CXXRecordDecl *RD) const {
  return CallableWrappers.contains(RD);
}

bool Library::isForEachAlgorithm(const FunctionDecl *FD) const {
  return ForEachAlgorithms.contains(FD);
}

std::optional<uint64_t> Library::fixedArraySize(QualType T) const {
  const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
      T.getNonReferenceType()->getAsCXXRecordDecl());
  if (!Spec || !FixedSizeArrays.contains(Spec) ||
      Spec->getTemplateArgs().size() != 2 ||
      Spec->getTemplateArgs()[1].getKind() != TemplateArgument::Integral)
    return std::nullopt;
  return Spec->getTemplateArgs()[1].getAsIntegral().getZExtValue();
}

bool Library::isBlockingFunction(const FunctionDecl *FD) const {
  return BlockingFunctions.contains(FD);
}

bool Library::isJoinFunctionName(StringRef Name) const {
  for (const std::string &F : Models.JoinFunctions)
    if (lastComponent(F) == Name)
      return true;
  return false;
}

bool Library::isProcessExit(const FunctionDecl *FD) const {
  return ProcessExits.contains(FD);
}

bool Library::isDetachFunction(const FunctionDecl *FD) const {
  return DetachFunctions.contains(FD);
}

const SleepModel *Library::sleepModel(const CallExpr *Call) const {
  const FunctionDecl *FD = Call ? Call->getDirectCallee() : nullptr;
  if (!FD || !FD->getIdentifier())
    return nullptr;
  auto It = Sleeps.find(FD->getName());
  if (It == Sleeps.end())
    return nullptr;
  for (const SleepModel *S : It->second)
    if (S->Arg < Call->getNumArgs() && matchesQualifiedName(FD, S->Function))
      return S;
  return nullptr;
}

// --- Library code ------------------------------------------------------------

bool Library::isOpaqueNamespace(StringRef Name) const {
  return contains(Models.OpaqueNamespaces, Name);
}

bool Library::inOpaqueNamespace(const Decl *D) const {
  const DeclContext *Outer = nullptr;
  for (const DeclContext *C = D ? D->getDeclContext() : nullptr;
       C && !C->isTranslationUnit(); C = C->getParent())
    if (isa<NamespaceDecl>(C))
      Outer = C;
  const auto *NS = dyn_cast_or_null<NamespaceDecl>(Outer);
  return NS && NS->getIdentifier() && isOpaqueNamespace(NS->getName());
}

} // namespace taskleak

// --- Condition variables, mutexes, lock guards ------------------------------

namespace taskleak {

const ConditionVariableModel *Library::conditionVariable(QualType T) const {
  return modelOfRecord(CondVars, accessedRecord(T));
}

const MutexModel *Library::mutexModel(QualType T) const {
  return modelOfRecord(Mutexes, accessedRecord(T));
}

const LockGuardModel *Library::lockGuard(QualType T) const {
  if (T.isNull())
    return nullptr;
  return modelOfRecord(LockGuards,
                       T.getNonReferenceType()->getAsCXXRecordDecl());
}

Library::SyncOp Library::syncOp(const CXXMemberCallExpr *Call) const {
  StringRef Member;
  const CXXRecordDecl *RD = calledOn(*this, Call, Member);
  if (!RD)
    return SyncOp::None;
  return syncOpOf(RD, Member);
}

Library::SyncOp Library::syncOp(QualType Object, StringRef Member) const {
  const CXXRecordDecl *RD = Object.isNull() ? nullptr : accessedRecord(Object);
  if (!RD)
    return SyncOp::None;
  return syncOpOf(RD, Member);
}

Library::SyncOp Library::syncOpOf(const CXXRecordDecl *RD,
                                  StringRef Member) const {
  if (const auto *C = modelOfRecord(CondVars, RD)) {
    if (contains(C->Wait, Member))
      return SyncOp::Wait;
    if (contains(C->TimedWait, Member))
      return SyncOp::TimedWait;
    if (contains(C->NotifyOne, Member))
      return SyncOp::NotifyOne;
    if (contains(C->NotifyAll, Member))
      return SyncOp::NotifyAll;
    return SyncOp::None;
  }
  const std::vector<std::string> *Lock = nullptr, *Unlock = nullptr;
  if (const auto *M = modelOfRecord(Mutexes, RD)) {
    Lock = &M->Lock;
    Unlock = &M->Unlock;
  } else if (const auto *G = modelOfRecord(LockGuards, RD)) {
    Lock = &G->Lock;
    Unlock = &G->Unlock;
  } else {
    return SyncOp::None;
  }
  if (contains(*Lock, Member))
    return SyncOp::Lock;
  if (contains(*Unlock, Member))
    return SyncOp::Unlock;
  return SyncOp::None;
}

bool Library::isDeferTag(const LockGuardModel &G, QualType T) const {
  const CXXRecordDecl *RD =
      T.isNull() ? nullptr : T.getNonReferenceType()->getAsCXXRecordDecl();
  if (!RD)
    return false;
  for (const std::string &Tag : G.DeferTags)
    if (matchesQualifiedName(RD, Tag))
      return true;
  return false;
}

} // namespace taskleak
