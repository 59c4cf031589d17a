//===--- Sleeps.cpp - how long a sleep lasts, and the long ones -----------===//
#include "lib/Sleeps.h"

#include "lib/TaskBody.h"
#include "lib/TripCounts.h"

#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <functional>

using namespace clang;

namespace taskleak {

namespace {

constexpr long double NanosPerSecond = 1e9L;

/// The seconds a value of a duration class <Rep, ratio<Num, Den>> holds.
std::optional<long double> durationSeconds(const Expr *E, ASTContext &Ctx) {
  E = E->IgnoreImplicit();
  if (E->isValueDependent() || E->isTypeDependent())
    return std::nullopt;
  const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
      E->getType().getNonReferenceType()->getAsCXXRecordDecl());
  if (!Spec || Spec->getTemplateArgs().size() != 2 ||
      Spec->getTemplateArgs()[1].getKind() != TemplateArgument::Type)
    return std::nullopt;
  const auto *Ratio = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
      Spec->getTemplateArgs()[1].getAsType()->getAsCXXRecordDecl());
  if (!Ratio || Ratio->getTemplateArgs().size() != 2 ||
      Ratio->getTemplateArgs()[0].getKind() != TemplateArgument::Integral ||
      Ratio->getTemplateArgs()[1].getKind() != TemplateArgument::Integral)
    return std::nullopt;
  const long double Num =
      Ratio->getTemplateArgs()[0].getAsIntegral().getSExtValue();
  const long double Den =
      Ratio->getTemplateArgs()[1].getAsIntegral().getSExtValue();
  Expr::EvalResult R;
  if (Den == 0 || !E->EvaluateAsRValue(R, Ctx) || !R.Val.isStruct() ||
      R.Val.getStructNumFields() < 1)
    return std::nullopt;
  const APValue &Count = R.Val.getStructField(0);
  long double N;
  if (Count.isInt())
    N = Count.getInt().getSExtValue();
  else if (Count.isFloat())
    N = Count.getFloat().convertToDouble();
  else
    return std::nullopt;
  return N * Num / Den;
}

/// `now() + d`: a deadline d from the moment of the call.
std::optional<long double> deadlineSeconds(const Expr *E, ASTContext &Ctx) {
  const auto *Op = dyn_cast<CXXOperatorCallExpr>(E->IgnoreImplicit());
  if (!Op || Op->getOperator() != OO_Plus || Op->getNumArgs() != 2)
    return std::nullopt;
  const Expr *Base = Op->getArg(0)->IgnoreImplicit();
  if (!isa<CallExpr>(Base))
    return std::nullopt; // `next + period`: when next is, we cannot tell
  return durationSeconds(Op->getArg(1), Ctx);
}

/// `&ts` for a local struct {seconds, nanoseconds} initialised with
/// constants and used nowhere else than in sleeps.
std::optional<long double> timespecSeconds(const Expr *E, const Library &Lib,
                                           ASTContext &Ctx) {
  const auto *Addr = dyn_cast<UnaryOperator>(E->IgnoreParenImpCasts());
  if (!Addr || Addr->getOpcode() != UO_AddrOf)
    return std::nullopt;
  const auto *Ref = dyn_cast<DeclRefExpr>(Addr->getSubExpr()->IgnoreParens());
  const auto *V = Ref ? dyn_cast<VarDecl>(Ref->getDecl()) : nullptr;
  if (!V || !V->isLocalVarDecl() || !V->getInit())
    return std::nullopt;
  const auto *Init = dyn_cast<InitListExpr>(V->getInit()->IgnoreImplicit());
  if (!Init || Init->getNumInits() != 2)
    return std::nullopt;
  std::optional<int64_t> Sec = integerConstant(Init->getInit(0), Ctx);
  std::optional<int64_t> Nsec = integerConstant(Init->getInit(1), Ctx);
  if (!Sec || !Nsec)
    return std::nullopt;
  if (!V->getType().isConstQualified()) {
    // Every other use must be `&V` given to a sleep.
    const auto *FD =
        dyn_cast_or_null<FunctionDecl>(V->getParentFunctionOrMethod());
    const Stmt *Body = FD ? FD->getBody() : nullptr;
    bool OtherUse = !Body;
    std::function<void(const Stmt *, const Stmt *, const Stmt *)> Visit =
        [&](const Stmt *S, const Stmt *Parent, const Stmt *Grand) {
          if (!S || OtherUse)
            return;
          if (const auto *D = dyn_cast<DeclRefExpr>(S);
              D && D->getDecl() == V) {
            const auto *U = dyn_cast_or_null<UnaryOperator>(Parent);
            const auto *C = dyn_cast_or_null<CallExpr>(Grand);
            if (!U || U->getOpcode() != UO_AddrOf || !C || !Lib.sleepModel(C))
              OtherUse = true;
          }
          // Implicit casts and parentheses between are looked through.
          const bool Transparent =
              isa<ImplicitCastExpr>(S) || isa<ParenExpr>(S);
          for (const Stmt *Child : S->children())
            Visit(Child, Transparent ? Parent : S,
                  Transparent ? Grand : Parent);
        };
    Visit(Body, nullptr, nullptr);
    if (OtherUse)
      return std::nullopt;
  }
  return static_cast<long double>(*Sec) +
         static_cast<long double>(*Nsec) / NanosPerSecond;
}

std::optional<long double> sleepSeconds(const CallExpr *Call,
                                        const SleepModel &M, const Library &Lib,
                                        ASTContext &Ctx) {
  const Expr *Arg = Call->getArg(M.Arg);
  auto Count = [&](long double PerSecond) -> std::optional<long double> {
    if (std::optional<int64_t> N = integerConstant(Arg, Ctx))
      return static_cast<long double>(*N) / PerSecond;
    return std::nullopt;
  };
  switch (M.Unit) {
  case SleepUnit::Seconds:
    return Count(1);
  case SleepUnit::Milliseconds:
    return Count(1e3L);
  case SleepUnit::Microseconds:
    return Count(1e6L);
  case SleepUnit::Nanoseconds:
    return Count(NanosPerSecond);
  case SleepUnit::Duration:
    return durationSeconds(Arg, Ctx);
  case SleepUnit::TimePoint:
    return deadlineSeconds(Arg, Ctx);
  case SleepUnit::Timespec:
    return timespecSeconds(Arg, Lib, Ctx);
  }
  return std::nullopt;
}

uint64_t toNanoseconds(long double Seconds) {
  if (!(Seconds > 0))
    return 0;
  const long double N = std::round(Seconds * NanosPerSecond);
  return N >= static_cast<long double>(UINT64_MAX) ? UINT64_MAX
                                                   : static_cast<uint64_t>(N);
}

} // namespace

std::optional<uint64_t> sleepNanoseconds(const CallExpr *Call,
                                         const SleepModel &M,
                                         const Library &Lib, ASTContext &Ctx) {
  if (std::optional<long double> Secs = sleepSeconds(Call, M, Lib, Ctx))
    return toNanoseconds(*Secs);
  return std::nullopt;
}

llvm::SmallVector<LongSleep, 2> longSleepsIn(const Stmt *Loop, TaskAnalysis &TA,
                                             uint64_t MinNanoseconds) {
  llvm::SmallVector<LongSleep, 2> Out;
  llvm::DenseSet<const CallExpr *> Seen;
  llvm::DenseSet<const FunctionDecl *> Followed;
  const Library &Lib = TA.library();
  ASTContext &Ctx = TA.context();
  std::function<void(const Stmt *, unsigned)> Visit = [&](const Stmt *S,
                                                          unsigned Depth) {
    if (!S || isa<LambdaExpr>(S))
      return; // a lambda created in the loop is a function of its own
    if (const auto *Call = dyn_cast<CallExpr>(S)) {
      if (const SleepModel *M = Lib.sleepModel(Call)) {
        std::optional<uint64_t> Ns = sleepNanoseconds(Call, *M, Lib, Ctx);
        if ((!Ns || *Ns >= MinNanoseconds) && Seen.insert(Call).second)
          Out.push_back({Call, M->Function, Ns});
      } else if (const FunctionDecl *Callee = Call->getDirectCallee();
                 Callee && Depth < TA.callDepth() && TA.isAnalysable(Callee)) {
        const FunctionDecl *Def = Callee->getDefinition();
        if (Def && Followed.insert(Def).second)
          Visit(userBody(Def), Depth + 1);
      }
    }
    for (const Stmt *Child : S->children())
      Visit(Child, Depth);
  };
  Visit(Loop, 0);
  return Out;
}

std::string formatDuration(uint64_t Nanoseconds) {
  std::string S;
  llvm::raw_string_ostream OS(S);
  auto Print = [&](uint64_t Per, const char *Unit) {
    if (Nanoseconds % Per == 0)
      OS << Nanoseconds / Per << ' ' << Unit;
    else
      OS << llvm::format("%.3g", static_cast<double>(Nanoseconds) /
                                     static_cast<double>(Per))
         << ' ' << Unit;
  };
  constexpr uint64_t Hour = 3'600'000'000'000ULL;
  if (Nanoseconds >= Hour && Nanoseconds % Hour == 0)
    OS << Nanoseconds / Hour << " h";
  else if (Nanoseconds >= 60'000'000'000ULL &&
           Nanoseconds % 60'000'000'000ULL == 0)
    OS << Nanoseconds / 60'000'000'000ULL << " min";
  else if (Nanoseconds >= 1'000'000'000ULL)
    Print(1'000'000'000ULL, "s");
  else if (Nanoseconds >= 1'000'000ULL)
    Print(1'000'000ULL, "ms");
  else if (Nanoseconds >= 1'000ULL)
    Print(1'000ULL, "us");
  else
    OS << Nanoseconds << " ns";
  return OS.str();
}

} // namespace taskleak
