//===--- ModelLoader.cpp - YAML model files ---------------------------------===//
//
// The one grammar of model files, for the built-in models
// (lib/models/builtin.taskleak.yaml) and a user's `.taskleak.yaml` alike.
// The only translation unit that sees yaml-cpp and its exceptions; everything
// is caught here and turned into a ModelError. docs/models.md documents every
// key listed in the tables below (modelGrammar(); a unit test checks it).
//
//===----------------------------------------------------------------------===//
#include "lib/Models.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string_view>

namespace taskleak {
namespace {

struct Invalid {
  YAML::Mark Mark;
  std::string Message;
};

/// The keys a mapping takes. An unknown key is reported with the Primary
/// keys in parentheses and the Secondary ones after them.
struct KeySet {
  const char *What;
  std::vector<const char *> Primary, Secondary = {};
};

// --- The grammar ----------------------------------------------------------

// clang-format off: one table, a few keys a line.
const KeySet TopKeys{
    "the model file",
    {"spawn", "channels", "wait-groups", "cancellation-points", "stop-tokens",
     "blocking-waits"},
    {"spawn-factories", "thread-classes", "completion-tokens",
     "blocking-destructors", "stop-queries", "atomic-flags",
     "uncancellable-awaits", "stop-token-waits", "blocking-functions", "join-functions",
     "reference-wrappers", "handles", "callable-adapters", "move-functions",
     "object-accessors", "for-each-algorithms", "fixed-size-arrays",
     "opaque-namespaces", "sleeps", "process-exits", "detach-functions",
     "condition-variables", "mutexes", "lock-guards"}};
// clang-format on
const KeySet SpawnKeys{"a spawn entry",
                       {"function", "callable-arg"},
                       {"class", "kind", "optional-leading-args"}};
const KeySet ChannelKeys{"a channel entry",
                         {"type", "send", "receive", "close", "capacity-arg"},
                         {"capacity-adjust"}};
const KeySet WaitGroupKeys{"a wait-group entry",
                           {"type", "add", "done", "wait"},
                           {"count-arg", "phased"}};
const KeySet BlockingWaitKeys{"a blocking-wait entry", {"type", "wait", "wake"}};
const KeySet StopTokenKeys{"a stop-token entry", {"type", "kind"}};
const KeySet ThreadClassKeys{"a thread-class entry",
                             {"type", "destructor", "join", "detach",
                              "joinable", "request-stop", "replacement",
                              "stop-token", "terminate-function"}};
const KeySet FactoryKeys{"a spawn-factory entry", {"member", "function"}};
const KeySet TokenKeys{"a completion-token entry", {"type", "function", "means"}};
const KeySet DestructorKeys{"a blocking-destructor entry",
                            {"type", "from-async"}};
const KeySet AwaitKeys{"an uncancellable-await entry",
                       {"function", "member", "variable", "class-name-contains"}};
const KeySet HandleKeys{"a handle entry", {"type", "kind"}};
const KeySet AdapterKeys{"a callable-adapter entry", {"function", "type"}};
const KeySet SleepKeys{"a sleep entry", {"function", "arg", "unit"}};
const KeySet ConditionVariableKeys{"a condition-variable entry",
                                   {"type", "wait", "notify-one", "notify-all"},
                                   {"timed-wait"}};
const KeySet MutexKeys{"a mutex entry", {"type", "lock", "unlock"}, {"guard"}};
const KeySet LockGuardKeys{
    "a lock-guard entry", {"type"}, {"lock", "unlock", "defer-tags"}};

const char *kindName(const YAML::Node &N) {
  switch (N.Type()) {
  case YAML::NodeType::Null:
    return "null";
  case YAML::NodeType::Scalar:
    return "a scalar";
  case YAML::NodeType::Sequence:
    return "a sequence";
  case YAML::NodeType::Map:
    return "a mapping";
  default:
    return "undefined";
  }
}

[[noreturn]] void fail(const YAML::Node &N, const std::string &Msg) {
  throw Invalid{N.Mark(), Msg};
}

std::string str(const YAML::Node &N, const std::string &What) {
  if (!N.IsScalar() || N.Scalar().empty())
    fail(N, What + " must be a non-empty string, not " + kindName(N));
  return N.Scalar();
}

unsigned index(const YAML::Node &N, const std::string &What) {
  if (!N.IsScalar())
    fail(N, What + " must be a non-negative integer, not " + kindName(N));
  const std::string &S = N.Scalar();
  if (S.empty() || S.size() > 4 ||
      S.find_first_not_of("0123456789") != std::string::npos)
    fail(N, What + " must be a non-negative integer, not '" + S + "'");
  return static_cast<unsigned>(std::stoul(S));
}

int integer(const YAML::Node &N, const std::string &What) {
  if (N.IsScalar() && !N.Scalar().empty() && N.Scalar()[0] == '-') {
    if (N.Scalar().size() > 1 &&
        N.Scalar().find_first_not_of("0123456789", 1) == std::string::npos &&
        N.Scalar().size() <= 5)
      return -static_cast<int>(std::stoul(N.Scalar().substr(1)));
    fail(N, What + " must be an integer, not '" + N.Scalar() + "'");
  }
  return static_cast<int>(index(N, What));
}

bool boolean(const YAML::Node &N, const std::string &What) {
  if (N.IsScalar() && (N.Scalar() == "true" || N.Scalar() == "false"))
    return N.Scalar() == "true";
  fail(N, What + " must be true or false, not " +
              (N.IsScalar() ? "'" + N.Scalar() + "'" : kindName(N)));
}

std::vector<std::string> strings(const YAML::Node &N, const std::string &What) {
  std::vector<std::string> Out;
  if (N.IsScalar()) { // a single name is accepted for a one-element list
    Out.push_back(str(N, What));
    return Out;
  }
  if (!N.IsSequence())
    fail(N, What + " must be a list of names, not " + kindName(N));
  for (const YAML::Node &E : N)
    Out.push_back(str(E, What + " entry"));
  return Out;
}

/// One of \p Choices (name, value), or an error listing them.
template <typename E>
E choice(const YAML::Node &N, const std::string &What,
         std::initializer_list<std::pair<const char *, E>> Choices) {
  std::string List;
  for (const auto &C : Choices) {
    if (N.IsScalar() && N.Scalar() == C.first)
      return C.second;
    List += std::string(List.empty() ? "" : ", ") + C.first;
  }
  fail(N, What + " must be one of " + List + ", not " +
              (N.IsScalar() ? "'" + N.Scalar() + "'" : kindName(N)));
}

std::string join(const std::vector<const char *> &Keys) {
  std::string List;
  for (const char *K : Keys)
    List += std::string(List.empty() ? "" : ", ") + K;
  return List;
}

/// Calls \p F(key, value) for each entry of mapping \p N, rejecting keys not
/// in \p Keys and keys given twice.
template <typename Fn>
void forEachKey(const YAML::Node &N, const KeySet &Keys, Fn F) {
  if (!N.IsMap())
    fail(N, std::string(Keys.What) + " must be a mapping, not " + kindName(N));
  std::map<std::string, YAML::Mark> Seen;
  for (const auto &KV : N) {
    const std::string Key = str(KV.first, "key");
    bool Known = false;
    for (const auto *List : {&Keys.Primary, &Keys.Secondary})
      for (const char *A : *List)
        Known |= Key == A;
    if (!Known) {
      std::string Msg = "unknown key '" + Key + "' in " + Keys.What +
                        " (expected " + join(Keys.Primary) + ")";
      if (!Keys.Secondary.empty())
        Msg += " or " + join(Keys.Secondary);
      fail(KV.first, Msg);
    }
    auto [It, New] = Seen.emplace(Key, KV.first.Mark());
    if (!New)
      fail(KV.first, "duplicate key '" + Key + "' in " + Keys.What +
                         " (first given at line " +
                         std::to_string(It->second.line + 1) + ")");
    F(Key, KV.second);
  }
}

template <typename T, typename Fn>
void entries(const YAML::Node &N, const std::string &What, std::vector<T> &Out,
             Fn ParseOne) {
  if (N.IsNull())
    return;
  if (!N.IsSequence())
    fail(N, "'" + What + "' must be a list, not " + kindName(N));
  for (const YAML::Node &E : N)
    Out.push_back(ParseOne(E));
}

void requireKey(const YAML::Node &N, const std::string &Key,
                const std::string &What) {
  if (!N[Key])
    fail(N, What + " needs a '" + Key + "' key");
}

/// Exactly one of \p A and \p B.
void requireOneOf(const YAML::Node &N, const char *A, const char *B,
                  const std::string &What) {
  if (N.IsMap() && N[A] && N[B])
    fail(N, What + " takes '" + A + "' or '" + B + "', not both");
  if (N.IsMap() && !N[A] && !N[B])
    fail(N, What + " needs a '" + A + "' key (or a '" + B + "' key)");
}

// --- Sections -------------------------------------------------------------

SpawnModel parseSpawn(const YAML::Node &E) {
  SpawnModel M;
  forEachKey(E, SpawnKeys, [&](const std::string &K, const YAML::Node &V) {
    if (K == "function" || K == "class") {
      M.Name = str(V, "'" + K + "'");
      M.IsConstructor = K == "class";
    } else if (K == "callable-arg") {
      M.CallableArg = index(V, "'callable-arg'");
    } else if (K == "kind") {
      M.Kind = choice<SpawnKind>(V, "'kind'",
                                 {{"function", SpawnKind::Function},
                                  {"thread", SpawnKind::StdThread},
                                  {"jthread", SpawnKind::JThread},
                                  {"async", SpawnKind::Async},
                                  {"pthread", SpawnKind::Pthread},
                                  {"co-spawn", SpawnKind::CoSpawn},
                                  {"qt-run", SpawnKind::QtRun}});
    } else {
      M.OptionalLeadingArgs = strings(V, "'optional-leading-args'");
    }
  });
  requireOneOf(E, "function", "class", SpawnKeys.What);
  if (M.IsConstructor && E["callable-arg"] && M.CallableArg != 0)
    fail(E["callable-arg"], "a spawn class takes its callable as constructor "
                            "argument 0");
  return M;
}

ChannelModel parseChannel(const YAML::Node &E) {
  ChannelModel M;
  forEachKey(E, ChannelKeys, [&](const std::string &K, const YAML::Node &V) {
    if (K == "type")
      M.Type = str(V, "'type'");
    else if (K == "send")
      M.Send = strings(V, "'send'");
    else if (K == "receive")
      M.Receive = strings(V, "'receive'");
    else if (K == "close")
      M.Close = strings(V, "'close'");
    else if (K == "capacity-arg")
      M.CapacityArg = index(V, "'capacity-arg'");
    else
      M.CapacityAdjust = integer(V, "'capacity-adjust'");
  });
  requireKey(E, "type", ChannelKeys.What);
  return M;
}

WaitGroupModel parseWaitGroup(const YAML::Node &E) {
  WaitGroupModel M;
  forEachKey(E, WaitGroupKeys, [&](const std::string &K, const YAML::Node &V) {
    if (K == "type")
      M.Type = str(V, "'type'");
    else if (K == "add")
      M.Add = strings(V, "'add'");
    else if (K == "done")
      M.Done = strings(V, "'done'");
    else if (K == "wait")
      M.Wait = strings(V, "'wait'");
    else if (K == "count-arg")
      M.CountArg = index(V, "'count-arg'");
    else
      M.Phased = boolean(V, "'phased'");
  });
  requireKey(E, "type", WaitGroupKeys.What);
  return M;
}

BlockingWaitModel parseBlockingWait(const YAML::Node &E) {
  BlockingWaitModel M;
  forEachKey(E, BlockingWaitKeys, [&](const std::string &K, const YAML::Node &V) {
    if (K == "type") {
      M.Type = str(V, "'type'");
    } else if (K == "wait") {
      M.Wait = strings(V, "'wait'");
      if (M.Wait.empty())
        fail(V, "'wait' must name at least one member function");
    } else {
      M.Wake = strings(V, "'wake'");
    }
  });
  requireKey(E, "type", BlockingWaitKeys.What);
  requireKey(E, "wait", BlockingWaitKeys.What);
  return M;
}

/// A stop-token entry: a name (a stop handle of unknown members), or a
/// mapping with its kind.
StopTokenModel parseStopToken(const YAML::Node &E) {
  StopTokenModel M;
  if (!E.IsMap()) {
    M.Type = str(E, "'stop-tokens' entry");
    return M;
  }
  forEachKey(E, StopTokenKeys, [&](const std::string &K, const YAML::Node &V) {
    if (K == "type")
      M.Type = str(V, "'type'");
    else
      M.Kind = choice<StopTokenKind>(V, "'kind'",
                                     {{"handle", StopTokenKind::Handle},
                                      {"token", StopTokenKind::Token},
                                      {"source", StopTokenKind::Source},
                                      {"callback", StopTokenKind::Callback}});
  });
  requireKey(E, "type", StopTokenKeys.What);
  return M;
}

ThreadClassModel parseThreadClass(const YAML::Node &E) {
  ThreadClassModel M;
  forEachKey(E, ThreadClassKeys, [&](const std::string &K, const YAML::Node &V) {
    const std::string What = "'" + K + "'";
    if (K == "type")
      M.Type = str(V, What);
    else if (K == "destructor")
      M.Destructor = choice<JoinableDestructor>(
          V, What,
          {{"terminates", JoinableDestructor::Terminates},
           {"joins", JoinableDestructor::Joins},
           {"detaches", JoinableDestructor::Detaches}});
    else if (K == "join")
      M.Join = strings(V, What);
    else if (K == "detach")
      M.Detach = strings(V, What);
    else if (K == "joinable")
      M.Joinable = strings(V, What);
    else if (K == "request-stop")
      M.RequestStop = strings(V, What);
    else if (K == "replacement")
      M.Replacement = str(V, What);
    else if (K == "stop-token")
      M.StopToken = str(V, What);
    else
      M.TerminateFunction = str(V, What);
  });
  requireKey(E, "type", ThreadClassKeys.What);
  requireKey(E, "destructor", ThreadClassKeys.What);
  if (M.Destructor == JoinableDestructor::Terminates &&
      M.TerminateFunction.empty())
    M.TerminateFunction = "std::terminate";
  return M;
}

SpawnFactoryModel parseFactory(const YAML::Node &E) {
  SpawnFactoryModel M;
  forEachKey(E, FactoryKeys, [&](const std::string &K, const YAML::Node &V) {
    M.Name = str(V, "'" + K + "'");
    M.IsMember = K == "member";
  });
  requireOneOf(E, "member", "function", FactoryKeys.What);
  return M;
}

CompletionTokenModel parseCompletionToken(const YAML::Node &E) {
  CompletionTokenModel M;
  forEachKey(E, TokenKeys, [&](const std::string &K, const YAML::Node &V) {
    if (K == "means") {
      M.Means = choice<CompletionTokenKind>(
          V, "'means'",
          {{"detached", CompletionTokenKind::Detached},
           {"callback", CompletionTokenKind::Callback},
           {"awaited", CompletionTokenKind::Awaited},
           {"cancellation-bound", CompletionTokenKind::CancellationBound}});
      return;
    }
    M.Name = str(V, "'" + K + "'");
    M.IsFunction = K == "function";
  });
  requireOneOf(E, "type", "function", TokenKeys.What);
  requireKey(E, "means", TokenKeys.What);
  return M;
}

BlockingDestructorModel parseBlockingDestructor(const YAML::Node &E) {
  BlockingDestructorModel M;
  forEachKey(E, DestructorKeys, [&](const std::string &K, const YAML::Node &V) {
    if (K == "type")
      M.Type = str(V, "'type'");
    else
      M.FromAsyncOnly = boolean(V, "'from-async'");
  });
  requireKey(E, "type", DestructorKeys.What);
  return M;
}

UncancellableAwaitModel parseAwait(const YAML::Node &E) {
  UncancellableAwaitModel M;
  if (E.IsMap() && !E["function"] && !E["member"] && !E["variable"])
    fail(E, std::string(AwaitKeys.What) +
                " needs a 'function', 'member' or 'variable' key");
  int Names = 0;
  forEachKey(E, AwaitKeys, [&](const std::string &K, const YAML::Node &V) {
    if (K == "class-name-contains") {
      M.ClassNameContains = str(V, "'class-name-contains'");
      return;
    }
    if (++Names > 1)
      fail(V, std::string(AwaitKeys.What) +
                  " takes one of 'function', 'member' and 'variable'");
    M.Name = str(V, "'" + K + "'");
    M.K = K == "function" ? UncancellableAwaitModel::Function
          : K == "member" ? UncancellableAwaitModel::Member
                          : UncancellableAwaitModel::Variable;
  });
  if (!M.ClassNameContains.empty() && M.K != UncancellableAwaitModel::Member)
    fail(E["class-name-contains"],
         "'class-name-contains' applies to a 'member' entry");
  return M;
}

HandleModel parseHandle(const YAML::Node &E) {
  HandleModel M;
  forEachKey(E, HandleKeys, [&](const std::string &K, const YAML::Node &V) {
    if (K == "type")
      M.Type = str(V, "'type'");
    else
      M.Kind = choice<HandleKind>(V, "'kind'",
                                  {{"shared", HandleKind::Shared},
                                   {"weak", HandleKind::Weak},
                                   {"unique", HandleKind::Unique},
                                   {"reference", HandleKind::Reference},
                                   {"optional", HandleKind::Optional}});
  });
  requireKey(E, "type", HandleKeys.What);
  requireKey(E, "kind", HandleKeys.What);
  return M;
}

CallableAdapterModel parseAdapter(const YAML::Node &E) {
  CallableAdapterModel M;
  forEachKey(E, AdapterKeys, [&](const std::string &K, const YAML::Node &V) {
    M.Name = str(V, "'" + K + "'");
    M.IsType = K == "type";
  });
  requireOneOf(E, "function", "type", AdapterKeys.What);
  return M;
}

SleepModel parseSleep(const YAML::Node &E) {
  SleepModel M;
  forEachKey(E, SleepKeys, [&](const std::string &K, const YAML::Node &V) {
    if (K == "function")
      M.Function = str(V, "'function'");
    else if (K == "arg")
      M.Arg = index(V, "'arg'");
    else
      M.Unit = choice<SleepUnit>(V, "'unit'",
                                 {{"s", SleepUnit::Seconds},
                                  {"ms", SleepUnit::Milliseconds},
                                  {"us", SleepUnit::Microseconds},
                                  {"ns", SleepUnit::Nanoseconds},
                                  {"duration", SleepUnit::Duration},
                                  {"time-point", SleepUnit::TimePoint},
                                  {"timespec", SleepUnit::Timespec}});
  });
  requireKey(E, "function", SleepKeys.What);
  requireKey(E, "unit", SleepKeys.What);
  return M;
}

ConditionVariableModel parseConditionVariable(const YAML::Node &E) {
  ConditionVariableModel M;
  forEachKey(E, ConditionVariableKeys,
             [&](const std::string &K, const YAML::Node &V) {
               if (K == "type")
                 M.Type = str(V, "'type'");
               else if (K == "wait")
                 M.Wait = strings(V, "'wait'");
               else if (K == "timed-wait")
                 M.TimedWait = strings(V, "'timed-wait'");
               else if (K == "notify-one")
                 M.NotifyOne = strings(V, "'notify-one'");
               else
                 M.NotifyAll = strings(V, "'notify-all'");
             });
  requireKey(E, "type", ConditionVariableKeys.What);
  requireKey(E, "wait", ConditionVariableKeys.What);
  return M;
}

MutexModel parseMutex(const YAML::Node &E) {
  MutexModel M;
  forEachKey(E, MutexKeys, [&](const std::string &K, const YAML::Node &V) {
    if (K == "type")
      M.Type = str(V, "'type'");
    else if (K == "lock")
      M.Lock = strings(V, "'lock'");
    else if (K == "unlock")
      M.Unlock = strings(V, "'unlock'");
    else
      M.Guard = str(V, "'guard'");
  });
  requireKey(E, "type", MutexKeys.What);
  return M;
}

LockGuardModel parseLockGuard(const YAML::Node &E) {
  LockGuardModel M;
  if (!E.IsMap()) { // a name alone: a scoped guard without members
    M.Type = str(E, "'lock-guards' entry");
    return M;
  }
  forEachKey(E, LockGuardKeys, [&](const std::string &K, const YAML::Node &V) {
    if (K == "type")
      M.Type = str(V, "'type'");
    else if (K == "lock")
      M.Lock = strings(V, "'lock'");
    else if (K == "unlock")
      M.Unlock = strings(V, "'unlock'");
    else
      M.DeferTags = strings(V, "'defer-tags'");
  });
  requireKey(E, "type", LockGuardKeys.What);
  return M;
}

/// The top-level keys whose value is a list of names, and where they go.
std::vector<std::string> *nameList(const std::string &Key, ModelSet &Out) {
  static const std::pair<const char *, std::vector<std::string> ModelSet::*>
      Lists[] = {
          {"cancellation-points", &ModelSet::CancellationPoints},
          {"stop-queries", &ModelSet::StopQueries},
          {"atomic-flags", &ModelSet::AtomicFlags},
          {"stop-token-waits", &ModelSet::StopTokenWaits},
          {"blocking-functions", &ModelSet::BlockingFunctions},
          {"join-functions", &ModelSet::JoinFunctions},
          {"process-exits", &ModelSet::ProcessExits},
          {"detach-functions", &ModelSet::DetachFunctions},
          {"reference-wrappers", &ModelSet::ReferenceWrappers},
          {"move-functions", &ModelSet::MoveFunctions},
          {"object-accessors", &ModelSet::ObjectAccessors},
          {"for-each-algorithms", &ModelSet::ForEachAlgorithms},
          {"fixed-size-arrays", &ModelSet::FixedSizeArrays},
          {"opaque-namespaces", &ModelSet::OpaqueNamespaces},
      };
  for (const auto &L : Lists)
    if (Key == L.first)
      return &(Out.*L.second);
  return nullptr;
}

void parseSection(const std::string &Key, const YAML::Node &V, ModelSet &Out) {
  if (std::vector<std::string> *List = nameList(Key, Out)) {
    if (!V.IsNull())
      *List = strings(V, "'" + Key + "'");
  } else if (Key == "spawn") {
    entries(V, Key, Out.Spawns, parseSpawn);
  } else if (Key == "channels") {
    entries(V, Key, Out.Channels, parseChannel);
  } else if (Key == "wait-groups") {
    entries(V, Key, Out.WaitGroups, parseWaitGroup);
  } else if (Key == "blocking-waits") {
    entries(V, Key, Out.BlockingWaits, parseBlockingWait);
  } else if (Key == "stop-tokens") {
    if (V.IsScalar()) // a single name for a one-element list
      Out.StopTokens.push_back(parseStopToken(V));
    else
      entries(V, Key, Out.StopTokens, parseStopToken);
    for (const StopTokenModel &T : Out.StopTokens)
      Out.StopTokenTypes.push_back(T.Type);
  } else if (Key == "thread-classes") {
    entries(V, Key, Out.ThreadClasses, parseThreadClass);
  } else if (Key == "spawn-factories") {
    entries(V, Key, Out.SpawnFactories, parseFactory);
  } else if (Key == "completion-tokens") {
    entries(V, Key, Out.CompletionTokens, parseCompletionToken);
  } else if (Key == "blocking-destructors") {
    entries(V, Key, Out.BlockingDestructors, parseBlockingDestructor);
  } else if (Key == "uncancellable-awaits") {
    entries(V, Key, Out.UncancellableAwaits, parseAwait);
  } else if (Key == "handles") {
    entries(V, Key, Out.Handles, parseHandle);
  } else if (Key == "callable-adapters") {
    entries(V, Key, Out.CallableAdapters, parseAdapter);
  } else if (Key == "sleeps") {
    entries(V, Key, Out.Sleeps, parseSleep);
  } else if (Key == "condition-variables") {
    entries(V, Key, Out.ConditionVariables, parseConditionVariable);
  } else if (Key == "mutexes") {
    entries(V, Key, Out.Mutexes, parseMutex);
  } else if (Key == "lock-guards") {
    entries(V, Key, Out.LockGuards, parseLockGuard);
  }
}

void parseTop(const YAML::Node &Root, ModelSet &Out) {
  if (Root.IsNull())
    return; // an empty file is an empty model
  forEachKey(Root, TopKeys, [&](const std::string &Key, const YAML::Node &V) {
    parseSection(Key, V, Out);
  });
}

void setError(ModelError &Err, const std::string &File, const YAML::Mark &M,
              const std::string &Msg) {
  Err.File = File;
  // yaml-cpp marks are 0-based; a null mark (-1) means "no position".
  Err.Line = M.line >= 0 ? static_cast<unsigned>(M.line) + 1 : 1;
  Err.Column = M.column >= 0 ? static_cast<unsigned>(M.column) + 1 : 1;
  Err.Message = Msg;
}

/// Where a second YAML document of \p Text starts: its first line of
/// content, or its `---` line when it has none; nullopt when \p Text holds one
/// document. Found on the text, because yaml-cpp 0.7's LoadAll() can loop
/// forever on malformed input (test/fuzz found one): only the first document
/// is ever parsed.
std::optional<YAML::Mark> secondDocument(const std::string &Text) {
  auto MarkAt = [](int Line) {
    YAML::Mark M = YAML::Mark::null_mark();
    M.line = Line;
    M.column = 0;
    M.pos = 0;
    return M;
  };
  bool Started = false, Content = false, Ended = false;
  std::optional<int> SecondStart;
  int Line = 0;
  std::istringstream In(Text);
  for (std::string L; std::getline(In, L); ++Line) {
    std::string_view S(L);
    while (!S.empty() && (S.back() == ' ' || S.back() == '\t' || S.back() == '\r'))
      S.remove_suffix(1);
    auto StartsWith = [](std::string_view V, std::string_view P) {
      return V.substr(0, P.size()) == P;
    };
    auto IsMarker = [&](std::string_view Marker) {
      return StartsWith(S, Marker) &&
             (S.size() == 3 || S[3] == ' ' || S[3] == '\t');
    };
    std::string_view Trimmed = S;
    while (!Trimmed.empty() && (Trimmed.front() == ' ' || Trimmed.front() == '\t'))
      Trimmed.remove_prefix(1);
    const bool Blank = Trimmed.empty() || Trimmed.front() == '#';
    if (SecondStart) {
      if (!Blank)
        return MarkAt(Line);
      continue;
    }
    if (IsMarker("---")) {
      if (Started || Content || Ended)
        SecondStart = Line;
      Started = true;
      continue;
    }
    if (IsMarker("...")) {
      Ended = true;
      continue;
    }
    if (Blank || StartsWith(S, "%"))
      continue;
    if (Ended)
      return MarkAt(Line); // content after `...` is another document
    Content = true;
  }
  if (SecondStart)
    return MarkAt(*SecondStart);
  return std::nullopt;
}

} // namespace

bool parseModelYAML(const std::string &Text, const std::string &FileName,
                    ModelSet &Out, ModelError &Err) {
  ModelSet Parsed;
  try {
    const YAML::Node Doc = YAML::Load(Text);
    if (const std::optional<YAML::Mark> Second = secondDocument(Text)) {
      setError(Err, FileName, *Second,
               "a model file holds one YAML document; another starts here");
      return false;
    }
    parseTop(Doc, Parsed);
  } catch (const Invalid &I) {
    setError(Err, FileName, I.Mark, I.Message);
    return false;
  } catch (const YAML::Exception &E) {
    setError(Err, FileName, E.mark, "malformed YAML: " + E.msg);
    return false;
  } catch (const std::exception &E) {
    setError(Err, FileName, YAML::Mark::null_mark(), E.what());
    return false;
  }
  Parsed.SourceFile = FileName;
  Out = std::move(Parsed);
  return true;
}

bool loadModelFile(const std::string &Path, ModelSet &Out, ModelError &Err) {
  std::ifstream In(Path, std::ios::binary);
  if (!In) {
    Err = ModelError{Path, 1, 1, "cannot read model file"};
    return false;
  }
  std::stringstream SS;
  SS << In.rdbuf();
  return parseModelYAML(SS.str(), Path, Out, Err);
}

std::vector<GrammarKey> modelGrammar() {
  std::vector<GrammarKey> Out;
  auto Add = [&](const char *Section, const KeySet &Keys) {
    for (const auto *List : {&Keys.Primary, &Keys.Secondary})
      for (const char *K : *List)
        Out.push_back({Section, K});
  };
  Add("", TopKeys);
  Add("spawn", SpawnKeys);
  Add("channels", ChannelKeys);
  Add("wait-groups", WaitGroupKeys);
  Add("blocking-waits", BlockingWaitKeys);
  Add("stop-tokens", StopTokenKeys);
  Add("thread-classes", ThreadClassKeys);
  Add("spawn-factories", FactoryKeys);
  Add("completion-tokens", TokenKeys);
  Add("blocking-destructors", DestructorKeys);
  Add("uncancellable-awaits", AwaitKeys);
  Add("handles", HandleKeys);
  Add("callable-adapters", AdapterKeys);
  Add("sleeps", SleepKeys);
  Add("condition-variables", ConditionVariableKeys);
  Add("mutexes", MutexKeys);
  Add("lock-guards", LockGuardKeys);
  return Out;
}

} // namespace taskleak
