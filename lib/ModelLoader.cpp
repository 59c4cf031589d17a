//===--- ModelLoader.cpp - YAML model files ---------------------------------===//
//
// The only translation unit that sees yaml-cpp and its exceptions; everything
// is caught here and turned into a ModelError.
//
//===----------------------------------------------------------------------===//
#include "lib/Models.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

namespace taskleak {
namespace {

struct Invalid {
  YAML::Mark Mark;
  std::string Message;
};

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

/// Calls \p F(key, value) for each entry of mapping \p N, rejecting keys not
/// in \p Allowed.
template <typename Fn>
void forEachKey(const YAML::Node &N, const std::string &What,
                std::initializer_list<const char *> Allowed, Fn F) {
  if (!N.IsMap())
    fail(N, What + " must be a mapping, not " + kindName(N));
  for (const auto &KV : N) {
    const std::string Key = str(KV.first, "key");
    bool Known = false;
    for (const char *A : Allowed)
      Known |= Key == A;
    if (!Known) {
      std::string List;
      for (const char *A : Allowed)
        List += std::string(List.empty() ? "" : ", ") + A;
      fail(KV.first, "unknown key '" + Key + "' in " + What + " (expected " +
                         List + ")");
    }
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

void parseTop(const YAML::Node &Root, ModelSet &Out) {
  if (Root.IsNull())
    return; // an empty file is an empty model
  forEachKey(
      Root, "the model file",
      {"spawn", "channels", "wait-groups", "cancellation-points",
       "stop-tokens", "blocking-waits"},
      [&](const std::string &Key, const YAML::Node &V) {
        if (Key == "spawn") {
          entries(V, Key, Out.Spawns, [](const YAML::Node &E) {
            SpawnModel M;
            forEachKey(E, "a spawn entry", {"function", "callable-arg"},
                       [&](const std::string &K, const YAML::Node &V) {
                         if (K == "function")
                           M.Name = str(V, "'function'");
                         else
                           M.CallableArg = index(V, "'callable-arg'");
                       });
            requireKey(E, "function", "a spawn entry");
            return M;
          });
        } else if (Key == "channels") {
          entries(V, Key, Out.Channels, [](const YAML::Node &E) {
            ChannelModel M;
            forEachKey(E, "a channel entry",
                       {"type", "send", "receive", "close", "capacity-arg"},
                       [&](const std::string &K, const YAML::Node &V) {
                         if (K == "type")
                           M.Type = str(V, "'type'");
                         else if (K == "send")
                           M.Send = strings(V, "'send'");
                         else if (K == "receive")
                           M.Receive = strings(V, "'receive'");
                         else if (K == "close")
                           M.Close = strings(V, "'close'");
                         else
                           M.CapacityArg = index(V, "'capacity-arg'");
                       });
            requireKey(E, "type", "a channel entry");
            return M;
          });
        } else if (Key == "wait-groups") {
          entries(V, Key, Out.WaitGroups, [](const YAML::Node &E) {
            WaitGroupModel M;
            forEachKey(E, "a wait-group entry", {"type", "add", "done", "wait"},
                       [&](const std::string &K, const YAML::Node &V) {
                         if (K == "type")
                           M.Type = str(V, "'type'");
                         else if (K == "add")
                           M.Add = strings(V, "'add'");
                         else if (K == "done")
                           M.Done = strings(V, "'done'");
                         else
                           M.Wait = strings(V, "'wait'");
                       });
            requireKey(E, "type", "a wait-group entry");
            return M;
          });
        } else if (Key == "blocking-waits") {
          entries(V, Key, Out.BlockingWaits, [](const YAML::Node &E) {
            BlockingWaitModel M;
            forEachKey(E, "a blocking-wait entry", {"type", "wait", "wake"},
                       [&](const std::string &K, const YAML::Node &V) {
                         if (K == "type")
                           M.Type = str(V, "'type'");
                         else if (K == "wait") {
                           M.Wait = strings(V, "'wait'");
                           if (M.Wait.empty())
                             fail(V, "'wait' must name at least one member "
                                     "function");
                         } else
                           M.Wake = strings(V, "'wake'");
                       });
            requireKey(E, "type", "a blocking-wait entry");
            requireKey(E, "wait", "a blocking-wait entry");
            return M;
          });
        } else if (Key == "cancellation-points") {
          if (!V.IsNull())
            Out.CancellationPoints = strings(V, "'cancellation-points'");
        } else {
          if (!V.IsNull())
            Out.StopTokenTypes = strings(V, "'stop-tokens'");
        }
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

} // namespace

bool parseModelYAML(const std::string &Text, const std::string &FileName,
                    ModelSet &Out, ModelError &Err) {
  ModelSet Parsed;
  try {
    parseTop(YAML::Load(Text), Parsed);
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

} // namespace taskleak
