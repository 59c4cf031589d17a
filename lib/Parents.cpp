//===--- Parents.cpp - parents of the project's own AST nodes -------------===//
#include "lib/Parents.h"

#include "clang/AST/Attr.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/PointerUnion.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <deque>
#include <mutex>

using namespace clang;

namespace taskleak {
namespace {

class ParentIndex {
public:
  explicit ParentIndex(ASTContext &Ctx);

  /// The parents of \p Node, or std::nullopt when the index does not hold it.
  std::optional<DynTypedNodeList> find(const DynTypedNode &Node) const {
    const void *Key = Node.get<Decl>()
                          ? static_cast<const void *>(Node.get<Decl>())
                          : static_cast<const void *>(Node.get<Stmt>());
    if (!Key)
      return std::nullopt;
    auto It = Parents.find(Key);
    if (It == Parents.end())
      return std::nullopt;
    const Entry &E = It->second;
    if (E.Many)
      return DynTypedNodeList(ArrayRef<DynTypedNode>(*E.Many));
    return DynTypedNodeList(E.One);
  }

  /// The parents of \p Child so far, for the builder.
  void add(const void *Child, const DynTypedNode &Parent) {
    Entry &E = Parents[Child];
    if (E.One.getNodeKind().isNone() && !E.Many) {
      E.One = Parent;
      return;
    }
    if (!E.Many) {
      Vectors.emplace_back(1, E.One);
      E.Many = &Vectors.back();
    }
    // Duplicates are skipped only for nodes with identity, as clang does.
    if (!(Parent.getMemoizationData() && llvm::is_contained(*E.Many, Parent)))
      E.Many->push_back(Parent);
  }

private:
  struct Entry {
    DynTypedNode One;
    llvm::SmallVector<DynTypedNode, 2> *Many = nullptr;
  };
  llvm::DenseMap<const void *, Entry> Parents;
  std::deque<llvm::SmallVector<DynTypedNode, 2>> Vectors;
};

/// ParentMapContext's traversal, recording the parents of statements and
/// declarations only.
class IndexBuilder : public RecursiveASTVisitor<IndexBuilder> {
public:
  using Base = RecursiveASTVisitor<IndexBuilder>;
  explicit IndexBuilder(ParentIndex &Index) : Index(Index) {}

  bool shouldVisitTemplateInstantiations() const { return true; }
  bool shouldVisitImplicitCode() const { return true; }

  void traverseWithin(Decl *D, const DynTypedNode *Top) {
    Stack.clear();
    if (Top)
      Stack.push_back(*Top);
    TraverseDecl(D);
  }

  bool TraverseDecl(Decl *D) {
    if (!D)
      return true;
    record(D);
    Stack.push_back(DynTypedNode::create(*D));
    bool Result = Base::TraverseDecl(D);
    Stack.pop_back();
    return Result;
  }
#if LLVM_VERSION_MAJOR >= 22
  // LLVM 22 lets a caller skip the qualifier of an elaborated type loc.
  bool TraverseTypeLoc(TypeLoc TL, bool TraverseQualifier = true) {
#else
  bool TraverseTypeLoc(TypeLoc TL) {
#endif
    if (!TL)
      return true;
    Stack.push_back(DynTypedNode::create(TL));
#if LLVM_VERSION_MAJOR >= 22
    bool Result = Base::TraverseTypeLoc(TL, TraverseQualifier);
#else
    bool Result = Base::TraverseTypeLoc(TL);
#endif
    Stack.pop_back();
    return Result;
  }
  bool TraverseNestedNameSpecifierLoc(NestedNameSpecifierLoc NNS) {
    if (!NNS)
      return true;
    Stack.push_back(DynTypedNode::create(NNS));
    bool Result = Base::TraverseNestedNameSpecifierLoc(NNS);
    Stack.pop_back();
    return Result;
  }
  bool TraverseAttr(Attr *A) {
    if (!A)
      return true;
    Stack.push_back(DynTypedNode::create(*A));
    bool Result = Base::TraverseAttr(A);
    Stack.pop_back();
    return Result;
  }
  bool dataTraverseStmtPre(Stmt *S) {
    record(S);
    Stack.push_back(DynTypedNode::create(*S));
    return true;
  }
  bool dataTraverseStmtPost(Stmt *) {
    Stack.pop_back();
    return true;
  }

private:
  void record(const void *Child) {
    if (!Stack.empty())
      Index.add(Child, Stack.back());
  }

  ParentIndex &Index;
  llvm::SmallVector<DynTypedNode, 16> Stack;
};

ParentIndex::ParentIndex(ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  auto InSystemHeader = [&](const Decl *D) {
    return SM.isInSystemHeader(SM.getExpansionLoc(D->getLocation()));
  };
  IndexBuilder Builder(*this);
  std::vector<Decl *> Scope = Ctx.getTraversalScope();
  TranslationUnitDecl *TU = Ctx.getTranslationUnitDecl();
  if (Scope.size() == 1 && Scope.front() == TU) {
    // The whole TU: its own declarations have the TU as their parent.
    DynTypedNode Top = DynTypedNode::create(*TU);
    for (Decl *D : TU->decls())
      if (!Builder.canIgnoreChildDeclWhileTraversingDeclContext(D) &&
          !InSystemHeader(D))
        Builder.traverseWithin(D, &Top);
    return;
  }
  // A limited traversal scope (taskleak's driver, clangd): its declarations
  // have no parent, as in ParentMapContext.
  for (Decl *D : Scope)
    if (!InSystemHeader(D))
      Builder.traverseWithin(D, nullptr);
}

struct Registry {
  std::mutex Lock;
  llvm::DenseMap<const ASTContext *, ParentIndex *> Indexes;
};

Registry &registry() {
  static Registry *R = new Registry; // never destroyed: used at exit
  return *R;
}

ParentIndex &indexOf(ASTContext &Ctx) {
  Registry &R = registry();
  {
    std::lock_guard<std::mutex> G(R.Lock);
    auto It = R.Indexes.find(&Ctx);
    if (It != R.Indexes.end())
      return *It->second;
  }
  // Built outside the lock: one ASTContext is used by one thread at a time.
  auto *Index = new ParentIndex(Ctx);
  {
    std::lock_guard<std::mutex> G(R.Lock);
    R.Indexes[&Ctx] = Index;
  }
  struct Release {
    const ASTContext *Ctx;
    ParentIndex *Index;
  };
  Ctx.AddDeallocation(
      [](void *P) {
        auto *Rel = static_cast<Release *>(P);
        {
          Registry &R = registry();
          std::lock_guard<std::mutex> G(R.Lock);
          R.Indexes.erase(Rel->Ctx);
        }
        delete Rel->Index;
        delete Rel;
      },
      new Release{&Ctx, Index});
  return *Index;
}

bool verifying() {
  static const bool On = [] {
    const char *V = std::getenv("TASKLEAK_VERIFY_PARENTS");
    return V && *V && *V != '0';
  }();
  return On;
}

void verify(ASTContext &Ctx, const DynTypedNode &Node,
            const DynTypedNodeList &Ours) {
  DynTypedNodeList Theirs = Ctx.getParents(Node);
  bool Same = Ours.size() == Theirs.size();
  for (size_t I = 0; Same && I < Ours.size(); ++I)
    Same = Ours[I].getNodeKind().isSame(Theirs[I].getNodeKind()) &&
           Ours[I].getSourceRange() == Theirs[I].getSourceRange() &&
           (!Ours[I].getMemoizationData() ||
            Ours[I].getMemoizationData() == Theirs[I].getMemoizationData());
  if (!Same) {
    llvm::errs()
        << "taskleak: parent index differs from ASTContext::getParents for a "
        << Node.getNodeKind().asStringRef() << " at ";
    Node.getSourceRange().getBegin().print(llvm::errs(),
                                           Ctx.getSourceManager());
    llvm::errs() << " (" << Ours.size() << " vs " << Theirs.size() << ")\n";
    std::abort();
  }
}

} // namespace

DynTypedNodeList getParents(ASTContext &Ctx, const DynTypedNode &Node) {
  if (Node.get<TranslationUnitDecl>())
    return DynTypedNodeList(ArrayRef<DynTypedNode>());
  if (Ctx.getParentMapContext().getTraversalKind() == TK_AsIs) {
    if (std::optional<DynTypedNodeList> Found = indexOf(Ctx).find(Node)) {
      if (verifying())
        verify(Ctx, Node, *Found);
      return *Found;
    }
  }
  return Ctx.getParents(Node);
}

static bool isInstantiation(TemplateSpecializationKind K) {
  return K == TSK_ImplicitInstantiation ||
         K == TSK_ExplicitInstantiationDefinition ||
         K == TSK_ExplicitInstantiationDeclaration;
}

static bool isInstantiatedDecl(const Decl *D) {
  if (const auto *RD = dyn_cast<CXXRecordDecl>(D))
    return isInstantiation(RD->getTemplateSpecializationKind());
  if (const auto *FD = dyn_cast<FunctionDecl>(D))
    return isInstantiation(FD->getTemplateSpecializationKind());
  return false;
}

// hasAncestor's walk: every parent, breadth first, each node once. Reaches
// ASTContext::getParents (the whole TU's parent map) for nodes the index
// does not hold, such as a parameter, whose parent is a type location.
static bool inTemplateInstantiationByParents(ASTContext &Ctx,
                                             const DynTypedNode &Node,
                                             bool IncludeSelf) {
  llvm::SmallVector<DynTypedNode, 8> Queue;
  llvm::DenseSet<const void *> Seen;
  if (IncludeSelf)
    Queue.push_back(Node);
  else
    for (const DynTypedNode &P : getParents(Ctx, Node))
      Queue.push_back(P);
  for (size_t I = 0; I < Queue.size(); ++I) {
    DynTypedNode N = Queue[I];
    if (const auto *RD = N.get<CXXRecordDecl>())
      if (isInstantiation(RD->getTemplateSpecializationKind()))
        return true;
    if (const auto *FD = N.get<FunctionDecl>())
      if (isInstantiation(FD->getTemplateSpecializationKind()))
        return true;
    const void *Id = N.getMemoizationData();
    if (Id && !Seen.insert(Id).second)
      continue;
    for (const DynTypedNode &P : getParents(Ctx, N))
      Queue.push_back(P);
  }
  return false;
}

// The same question through the lexical declaration contexts, which nest as
// the parents do (a lambda's class lies in the function that spells it): for
// a statement, the index leads to the declaration it lies in. No parent map
// of the whole TU is built.
static bool inTemplateInstantiationByContexts(ASTContext &Ctx,
                                              const DynTypedNode &Node,
                                              bool IncludeSelf,
                                              bool &Answered) {
  Answered = true;
  const Decl *D = Node.get<Decl>();
  if (D) {
    if (IncludeSelf && isInstantiatedDecl(D))
      return true;
  } else if (const Stmt *S = Node.get<Stmt>()) {
    // Up to the first declaration; a statement with several parents
    // (rare: shared implicit code) is left to the parent walk.
    DynTypedNode Cur = DynTypedNode::create(*S);
    while (!D) {
      const std::optional<DynTypedNodeList> Ps = indexOf(Ctx).find(Cur);
      if (!Ps || Ps->size() != 1) {
        Answered = false;
        return false;
      }
      Cur = (*Ps)[0];
      D = Cur.get<Decl>();
      if (!D && !Cur.get<Stmt>()) {
        Answered = false;
        return false;
      }
    }
    if (isInstantiatedDecl(D))
      return true;
  } else {
    Answered = false;
    return false;
  }
  for (const DeclContext *DC = D->getLexicalDeclContext(); DC;
       DC = cast<Decl>(DC)->getLexicalDeclContext())
    if (isInstantiatedDecl(cast<Decl>(DC)))
      return true;
  return false;
}

bool inTemplateInstantiation(ASTContext &Ctx, const DynTypedNode &Node,
                             bool IncludeSelf) {
  bool Answered = false;
  const bool ByContexts =
      inTemplateInstantiationByContexts(Ctx, Node, IncludeSelf, Answered);
  if (!Answered)
    return inTemplateInstantiationByParents(Ctx, Node, IncludeSelf);
  if (verifying() &&
      ByContexts != inTemplateInstantiationByParents(Ctx, Node, IncludeSelf)) {
    llvm::errs() << "taskleak: inTemplateInstantiation by contexts differs "
                    "from the parent walk for a "
                 << Node.getNodeKind().asStringRef() << " at ";
    Node.getSourceRange().getBegin().print(llvm::errs(),
                                           Ctx.getSourceManager());
    llvm::errs() << "\n";
    std::abort();
  }
  return ByContexts;
}

} // namespace taskleak
