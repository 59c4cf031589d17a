//===--- ChannelCapacity.h - give a channel room for its sends -*- C++ -*-===//
//
// The remedy of taskleak-unconsumed-channel-send: a capacity that lets every
// send complete. `chan<int> c(0);` -> `chan<int> c(3);`, `chan<int> c;` ->
// `chan<int> c(3);`, `q(a, b)` -> `q(a, b, 3)` when the capacity is the next
// argument. None when the capacity is written as anything but a literal 0,
// when the construction is a braced list, or written in a macro.
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_LIB_FIXITS_CHANNELCAPACITY_H
#define TASKLEAK_LIB_FIXITS_CHANNELCAPACITY_H

#include "lib/Library.h"
#include "lib/Models.h"

#include "clang/AST/ASTContext.h"
#include "clang/Basic/Diagnostic.h"

#include <optional>

namespace taskleak {

std::optional<clang::FixItHint> channelCapacityFix(const clang::VarDecl *Var,
                                                   const ChannelModel &M,
                                                   const Library &Lib,
                                                   unsigned Capacity,
                                                   clang::ASTContext &Ctx);

} // namespace taskleak

#endif
