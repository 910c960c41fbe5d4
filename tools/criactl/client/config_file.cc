#include "tools/criactl/client/config_file.h"

#include <google/protobuf/util/json_util.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <random>
#include <sstream>

#include "yaml-cpp/yaml.h"

namespace cria::criactl {
namespace {

namespace pb = google::protobuf;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The field a key names: the proto name, the JSON name, or either without regard to case
// (Go's encoding/json, which crictl decodes with, matches names that way).
const pb::FieldDescriptor* FindField(const pb::Descriptor& type, const std::string& key) {
  if (const auto* f = type.FindFieldByName(key)) return f;
  for (int i = 0; i < type.field_count(); ++i) {
    if (type.field(i)->json_name() == key) return type.field(i);
  }
  std::string lower = Lower(key);
  for (int i = 0; i < type.field_count(); ++i) {
    const auto* f = type.field(i);
    if (Lower(f->name()) == lower || Lower(f->json_name()) == lower) return f;
  }
  return nullptr;
}

bool IsNullValue(const YAML::Node& node) {
  if (node.IsNull()) return true;
  if (!node.IsScalar() || node.Tag() == "!") return false;  // "!" marks a quoted scalar
  const std::string& s = node.Scalar();
  return s == "~" || s == "null" || s == "Null" || s == "NULL";
}

// A number as JSON writes it: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
bool IsJsonNumber(const std::string& s) {
  size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  size_t start = i;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  if (i == start || (s[start] == '0' && i - start > 1)) return false;
  if (i < s.size() && s[i] == '.') {
    size_t frac = ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    if (i == frac) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    size_t exp = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++exp;
    if (exp == 0) return false;
  }
  return i == s.size();
}

std::string Base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (static_cast<uint8_t>(in[i]) << 16) | (static_cast<uint8_t>(in[i + 1]) << 8) |
                 static_cast<uint8_t>(in[i + 2]);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i < in.size()) {
    uint32_t v = static_cast<uint8_t>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<uint8_t>(in[i + 1]) << 8;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// A JSON value as the YAML node it reads as: strings quoted (so "null" and "123" stay
// strings), numbers in their own spelling.
YAML::Node JsonToNode(const rapidjson::Value& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType:
      return YAML::Node(YAML::NodeType::Null);
    case rapidjson::kFalseType:
      return YAML::Node("false");
    case rapidjson::kTrueType:
      return YAML::Node("true");
    case rapidjson::kStringType:  // numbers too (kParseNumbersAsStringsFlag): the field decides
    case rapidjson::kNumberType: {
      YAML::Node node(std::string(v.GetString(), v.GetStringLength()));
      node.SetTag("!");
      return node;
    }
    case rapidjson::kArrayType: {
      YAML::Node node(YAML::NodeType::Sequence);
      for (const auto& item : v.GetArray()) node.push_back(JsonToNode(item));
      return node;
    }
    case rapidjson::kObjectType: {
      YAML::Node node(YAML::NodeType::Map);
      for (const auto& m : v.GetObject()) {
        node[std::string(m.name.GetString(), m.name.GetStringLength())] = JsonToNode(m.value);
      }
      return node;
    }
  }
  return YAML::Node();
}

Status Mistake(const YAML::Node& node, const std::string& what) {
  return Status(StatusCode::kInvalidArgument,
                "line " + std::to_string(node.Mark().line + 1) + ": " + what);
}

void String(Writer& w, const std::string& s) {
  w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
}

Status WriteMessage(const YAML::Node& node, const pb::Descriptor& type, Writer& w);

// One value of `field` (an element, for a repeated field).
Status WriteValue(const YAML::Node& node, const pb::FieldDescriptor& field, Writer& w) {
  if (field.cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE) {
    return WriteMessage(node, *field.message_type(), w);
  }
  if (!node.IsScalar()) return Mistake(node, "field \"" + field.name() + "\" takes a single value");
  const std::string& s = node.Scalar();
  switch (field.cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_STRING:
      // A bytes field holds text in crictl's files (its Go struct has a string there);
      // proto JSON wants it base64.
      String(w, field.type() == pb::FieldDescriptor::TYPE_BYTES ? Base64(s) : s);
      return OkStatus();
    case pb::FieldDescriptor::CPPTYPE_BOOL: {
      std::string lower = Lower(s);
      if (lower == "true" || lower == "yes" || lower == "on") {
        w.Bool(true);
      } else if (lower == "false" || lower == "no" || lower == "off") {
        w.Bool(false);
      } else {
        return Mistake(node,
                       "field \"" + field.name() + "\" takes true or false, not \"" + s + "\"");
      }
      return OkStatus();
    }
    default:  // numbers and enums: a number as it is, anything else (an enum name) quoted
      if (IsJsonNumber(s)) {
        w.RawValue(s.c_str(), s.size(), rapidjson::kNumberType);
      } else {
        String(w, s);
      }
      return OkStatus();
  }
}

Status WriteField(const YAML::Node& node, const pb::FieldDescriptor& field, Writer& w) {
  if (field.is_map()) {
    if (!node.IsMap()) return Mistake(node, "field \"" + field.name() + "\" takes a map");
    const pb::FieldDescriptor& value = *field.message_type()->FindFieldByName("value");
    w.StartObject();
    for (const auto& kv : node) {
      if (IsNullValue(kv.second)) continue;
      String(w, kv.first.Scalar());
      CRIA_RETURN_IF_ERROR(WriteValue(kv.second, value, w), field.name());
    }
    w.EndObject();
    return OkStatus();
  }
  if (field.is_repeated()) {
    if (!node.IsSequence()) return Mistake(node, "field \"" + field.name() + "\" takes a list");
    w.StartArray();
    for (const auto& item : node) CRIA_RETURN_IF_ERROR(WriteValue(item, field, w), field.name());
    w.EndArray();
    return OkStatus();
  }
  return WriteValue(node, field, w);
}

Status WriteMessage(const YAML::Node& node, const pb::Descriptor& type, Writer& w) {
  if (!node.IsMap()) return Mistake(node, type.name() + " must be a map of its fields");
  w.StartObject();
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) continue;
    const pb::FieldDescriptor* field = FindField(type, kv.first.Scalar());
    if (field == nullptr || IsNullValue(kv.second)) continue;
    String(w, field->json_name());
    if (Status s = WriteField(kv.second, *field, w); !s.ok()) return s;
  }
  w.EndObject();
  return OkStatus();
}

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

Result<std::string> ReadConfigFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    if (errno == ENOENT) {
      return Status(StatusCode::kNotFound, "config at " + path + " not found");
    }
    return ErrnoStatus(errno, "open " + path);
  }
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// `root` as proto JSON for `type`.
Result<std::string> NodeToJson(const YAML::Node& root, const google::protobuf::Descriptor& type) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  if (IsNullValue(root)) {
    w.StartObject();
    w.EndObject();
  } else {
    CRIA_RETURN_IF_ERROR(WriteMessage(root, type, w), type.name());
  }
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

Result<std::string> YamlToJson(std::string_view yaml, const google::protobuf::Descriptor& type) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return Status(StatusCode::kInvalidArgument,
                  "line " + std::to_string(e.mark.line + 1) + ": not YAML: " + e.msg);
  }
  return NodeToJson(root, type);
}

Result<std::string> NormalizeJson(std::string_view json, const google::protobuf::Descriptor& type) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseNumbersAsStringsFlag>(json.data(), json.size());
  if (doc.HasParseError()) {
    return Status(StatusCode::kInvalidArgument,
                  "offset " + std::to_string(doc.GetErrorOffset()) +
                      ": not JSON: " + rapidjson::GetParseError_En(doc.GetParseError()));
  }
  return NodeToJson(JsonToNode(doc), type);
}

Status ParseConfigText(std::string_view text, google::protobuf::Message* message) {
  std::string json = Trim(text);
  const auto& type = *message->GetDescriptor();
  if (json.empty() || json[0] != '{') {
    CRIA_ASSIGN_OR_RETURN(json, YamlToJson(text, type), "YAML");
  } else {
    CRIA_ASSIGN_OR_RETURN(json, NormalizeJson(json, type), "JSON");
  }
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  auto status = google::protobuf::util::JsonStringToMessage(json, message, options);
  if (!status.ok()) {
    std::string reason(status.message().data(), status.message().size());
    return Status(StatusCode::kInvalidArgument,
                  "decode " + message->GetDescriptor()->name() + ": " + reason);
  }
  return OkStatus();
}

Result<::runtime::v1::PodSandboxConfig> ParsePodSandboxConfig(std::string_view text) {
  ::runtime::v1::PodSandboxConfig config;
  CRIA_RETURN_IF_ERROR(ParseConfigText(text, &config), "pod config");
  if (!config.has_metadata()) {
    return Status(StatusCode::kInvalidArgument, "metadata is not set");
  }
  auto* metadata = config.mutable_metadata();
  if (metadata->uid().empty()) metadata->set_uid(RandomUuid());
  if (metadata->name().empty() || metadata->namespace_().empty()) {
    return Status(StatusCode::kInvalidArgument,
                  "name or namespace is not in metadata \"" + metadata->ShortDebugString() + "\"");
  }
  return config;
}

Result<::runtime::v1::ContainerConfig> ParseContainerConfig(std::string_view text) {
  ::runtime::v1::ContainerConfig config;
  CRIA_RETURN_IF_ERROR(ParseConfigText(text, &config), "container config");
  if (!config.has_metadata()) {
    return Status(StatusCode::kInvalidArgument, "metadata is not set");
  }
  if (config.metadata().name().empty()) {
    return Status(StatusCode::kInvalidArgument,
                  "name is not in metadata \"" + config.metadata().ShortDebugString() + "\"");
  }
  return config;
}

Result<::runtime::v1::PodSandboxConfig> LoadPodSandboxConfig(const std::string& path) {
  CRIA_ASSIGN_OR_RETURN(std::string text, ReadConfigFile(path), "load pod config");
  return ParsePodSandboxConfig(text);
}

Result<::runtime::v1::ContainerConfig> LoadContainerConfig(const std::string& path) {
  CRIA_ASSIGN_OR_RETURN(std::string text, ReadConfigFile(path), "load container config");
  return ParseContainerConfig(text);
}

std::string RandomUuid() {
  std::random_device rd;
  uint8_t b[16];
  for (int i = 0; i < 16; i += 4) {
    uint32_t v = rd();
    for (int j = 0; j < 4; ++j) b[i + j] = static_cast<uint8_t>(v >> (8 * j));
  }
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[b[i] >> 4];
    out += kHex[b[i] & 0xf];
  }
  return out;
}

}  // namespace cria::criactl
