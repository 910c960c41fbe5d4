#include "services/storage/layers/tar_writer.h"

#include <cstring>
#include <fstream>

namespace cria::storage::layers::testing {
namespace {

constexpr size_t kBlock = 512;

// `width - 1` octal digits and a NUL, as ustar wants.
void PutOctal(char* field, size_t width, unsigned long long value) {
  field[width - 1] = '\0';
  for (size_t i = width - 1; i > 0; --i) {
    field[i - 1] = static_cast<char>('0' + (value & 7));
    value >>= 3;
  }
}

void Pad(std::string& out) {
  if (out.size() % kBlock != 0) out.append(kBlock - out.size() % kBlock, '\0');
}

// One PAX record: "<length> key=value\n", the length counting itself.
std::string PaxRecord(const std::string& key, const std::string& value) {
  std::string body = " " + key + "=" + value + "\n";
  size_t length = body.size() + 1;
  while (std::to_string(length).size() + body.size() != length) ++length;
  return std::to_string(length) + body;
}

}  // namespace

void TarWriter::AddFile(const std::string& name, const std::string& content, int mode) {
  AddEntry('0', name, "", content, mode);
}
void TarWriter::AddDirectory(const std::string& name, int mode) {
  AddEntry('5', name, "", "", mode);
}
void TarWriter::AddSymlink(const std::string& name, const std::string& target) {
  AddEntry('2', name, target, "", 0777);
}
void TarWriter::AddHardlink(const std::string& name, const std::string& target) {
  AddEntry('1', name, target, "", 0644);
}

std::string TarWriter::Finish() const { return out_ + std::string(2 * kBlock, '\0'); }

void TarWriter::AddEntry(char type, const std::string& name, const std::string& link,
                         const std::string& content, int mode) {
  if (name.size() >= 100 || link.size() >= 100) {
    std::string pax;
    if (name.size() >= 100) pax += PaxRecord("path", name);
    if (link.size() >= 100) pax += PaxRecord("linkpath", link);
    AddHeader('x', "PaxHeaders/entry", "", pax.size(), 0644);
    out_ += pax;
    Pad(out_);
  }
  AddHeader(type, name.substr(0, 99), link.substr(0, 99), content.size(), mode);
  out_ += content;
  Pad(out_);
}

void TarWriter::AddHeader(char type, const std::string& name, const std::string& link, size_t size,
                          int mode) {
  char header[kBlock];
  std::memset(header, 0, sizeof(header));
  std::memcpy(header, name.data(), name.size());
  PutOctal(header + 100, 8, static_cast<unsigned>(mode));
  PutOctal(header + 108, 8, 0);
  PutOctal(header + 116, 8, 0);
  PutOctal(header + 124, 12, size);
  PutOctal(header + 136, 12, 1700000000);
  header[156] = type;
  std::memcpy(header + 157, link.data(), link.size());
  std::memcpy(header + 257, "ustar", 6);
  std::memcpy(header + 263, "00", 2);
  std::memset(header + 148, ' ', 8);
  unsigned sum = 0;
  for (unsigned char c : header) sum += c;
  PutOctal(header + 148, 7, sum);
  out_.append(header, sizeof(header));
}

bool WriteFile(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  return static_cast<bool>(out);
}

}  // namespace cria::storage::layers::testing
