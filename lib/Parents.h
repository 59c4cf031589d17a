//===--- Parents.h - parents of the project's own AST nodes -----*- C++ -*-===//
//
// taskleak::getParents(Ctx, Node) answers what Ctx.getParents(Node) answers
// for the nodes the analyses ask about: statements and declarations outside
// system headers. ASTContext::getParents builds a map of every node of the
// translation unit on its first use, the standard library's and Boost's
// included (in a clang-tidy run with its default traversal scope, most of
// its memory and a third of taskleak's time); this index is built once per
// ASTContext over the declarations outside system headers only, records
// the parents of statements and declarations (not of type locations), and
// is freed with the ASTContext. The traversal is the one ParentMapContext
// uses (template instantiations and implicit code included), so the parents
// are the same. A node it does not hold (one in a system header, a type
// location) is answered by ASTContext::getParents.
//
// TASKLEAK_VERIFY_PARENTS=1 in the environment compares every answer with
// ASTContext::getParents and aborts on a difference, naming the node (a test
// aid: `TASKLEAK_VERIFY_PARENTS=1 lit build/test`).
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_LIB_PARENTS_H
#define TASKLEAK_LIB_PARENTS_H

#include "clang/AST/ASTContext.h"
#include "clang/AST/ASTTypeTraits.h"
#include "clang/AST/ParentMapContext.h"

namespace taskleak {

clang::DynTypedNodeList getParents(clang::ASTContext &Ctx,
                                   const clang::DynTypedNode &Node);

template <typename T>
clang::DynTypedNodeList getParents(clang::ASTContext &Ctx, const T &Node) {
  return getParents(Ctx, clang::DynTypedNode::create(Node));
}

/// Whether \p Node lies inside a template instantiation (in a class or
/// function template specialization the compiler made): what the matchers
/// isInTemplateInstantiation() asks (and, with \p IncludeSelf, what
/// isInstantiated() asks of a declaration), through the index.
bool inTemplateInstantiation(clang::ASTContext &Ctx,
                             const clang::DynTypedNode &Node,
                             bool IncludeSelf = false);

inline clang::DynTypedNodeList
getParents(clang::ASTContext &Ctx, const clang::DynTypedNodeList &) = delete;

} // namespace taskleak

#endif
