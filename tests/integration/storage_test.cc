// cria-storage through its gRPC API: layers applied onto their parents, found again,
// and a kill -9 in the middle of an apply that leaves no half layer.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "cria/storage/v1/storage.grpc.pb.h"
#include "tests/support/stack.h"

namespace cria::testing {
namespace {

using std::chrono::milliseconds;
namespace fs = std::filesystem;
namespace stv1 = cria::storage::v1;

std::string Sh(const std::string& script) {
  CommandResult r = RunCommand({"/bin/sh", "-c", script});
  INFO(script << "\n" << r.error);
  REQUIRE(r.exit_code == 0);
  return r.output;
}

// Builds a gzip layer from a shell snippet run in an empty dir; returns blob and diffID.
std::pair<std::string, std::string> MakeLayer(const Stack& stack, const std::string& name,
                                              const std::string& populate) {
  std::string src = stack.root() + "/src-" + name;
  fs::create_directories(src);
  Sh("cd " + src + " && " + populate);
  std::string tar = stack.root() + "/" + name + ".tar";
  Sh("tar --numeric-owner -C " + src + " -cf " + tar + " . && gzip -1 -kn " + tar + " && rm -rf " +
     src);
  std::string hex = Sh("sha256sum " + tar + " | cut -d' ' -f1 && rm " + tar);
  hex.pop_back();
  return {tar + ".gz", "sha256:" + hex};
}

grpc::Status Apply(stv1::Storage::Stub& stub, const std::string& parent, const std::string& blob,
                   const std::string& expected, stv1::ApplyLayerResponse* resp) {
  stv1::ApplyLayerRequest req;
  req.set_parent_chain_id(parent);
  req.set_blob_path(blob);
  req.set_expected_diff_id(expected);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + milliseconds(60000));
  return stub.ApplyLayer(&ctx, req, resp);
}

bool Present(stv1::Storage::Stub& stub, const std::string& chain) {
  stv1::LayerStatusRequest req;
  req.set_chain_id(chain);
  stv1::LayerStatusResponse resp;
  grpc::ClientContext ctx;
  REQUIRE(stub.LayerStatus(&ctx, req, &resp).ok());
  return resp.present();
}

TEST_CASE("layers apply through cria-storage and are found again after a restart") {
  Stack stack;
  stack.Start("storage");
  auto stub = stv1::Storage::NewStub(TestChannel(stack.Socket("storage")));
  auto [base, base_diff] = MakeLayer(stack, "base", "mkdir etc && echo cria > etc/os-release");
  auto [top, top_diff] = MakeLayer(stack, "top", "mkdir bin && echo run > bin/app");

  stv1::ApplyLayerResponse b, t, again;
  grpc::Status s = Apply(*stub, "", base, base_diff, &b);
  INFO(s.error_message());
  REQUIRE(s.ok());
  CHECK(b.chain_id() == base_diff);
  CHECK(b.diff_id() == base_diff);
  REQUIRE(Apply(*stub, b.chain_id(), top, top_diff, &t).ok());
  CHECK(t.chain_id() != t.diff_id());
  CHECK(Present(*stub, t.chain_id()));

  stack.Kill("storage");
  stack.Start("storage");
  stub = stv1::Storage::NewStub(TestChannel(stack.Socket("storage")));
  CHECK(Present(*stub, t.chain_id()));
  REQUIRE(Apply(*stub, b.chain_id(), "/gone/blob.tar.gz", top_diff, &again).ok());
  CHECK(again.already_present());

  stv1::ApplyLayerResponse bad;
  s = Apply(*stub, "sha256:" + std::string(64, 'e'), top, "", &bad);
  CHECK(s.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_CASE("cria-storage killed during an apply: no half layer, and the apply can be redone") {
  Stack stack;
  stack.Start("storage");
  auto stub = stv1::Storage::NewStub(TestChannel(stack.Socket("storage")));
  // Big enough that unpacking takes a while: 1 GiB of zeros (a 1 MiB blob).
  auto [blob, diff] =
      MakeLayer(stack, "big", "dd if=/dev/zero of=big bs=1M count=1024 2>/dev/null");
  auto pending = std::async(std::launch::async, [&, blob = blob, diff = diff] {
    stv1::ApplyLayerResponse r;
    return Apply(*stub, "", blob, diff, &r);
  });
  std::string tmp = stack.state_dir() + "/storage/tmp";
  bool unpacking = false;
  for (int i = 0; i < 2000 && !unpacking; ++i) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(tmp, ec)) {
      if (fs::exists(e.path() / "diff" / "big", ec)) unpacking = true;
    }
    if (!unpacking) std::this_thread::sleep_for(milliseconds(2));
  }
  REQUIRE(unpacking);
  stack.Kill("storage");
  CHECK_FALSE(pending.get().ok());

  stack.Start("storage");
  stub = stv1::Storage::NewStub(TestChannel(stack.Socket("storage")));
  CHECK_FALSE(Present(*stub, diff));
  CHECK(fs::is_empty(tmp));
  CHECK(fs::is_empty(stack.state_dir() + "/storage/layers"));
  CHECK(stack.Log("storage").find("removed_leftovers=1") != std::string::npos);

  stv1::ApplyLayerResponse redo;
  grpc::Status s = Apply(*stub, "", blob, diff, &redo);
  INFO(s.error_message());
  REQUIRE(s.ok());
  CHECK(redo.chain_id() == diff);
  CHECK(fs::file_size(stack.state_dir() + "/storage/layers/" + diff.substr(7) + "/diff/big") ==
        (1ull << 30));
}

TEST_CASE("container rootfs through cria-storage: counted mounts survive a restart") {
  Stack stack;
  stack.Start("storage");
  auto stub = stv1::Storage::NewStub(TestChannel(stack.Socket("storage")));
  auto [base, base_diff] = MakeLayer(stack, "base", "mkdir etc && echo cria > etc/os-release");
  stv1::ApplyLayerResponse layer;
  REQUIRE(Apply(*stub, "", base, base_diff, &layer).ok());

  stv1::CreateRootfsRequest create;
  create.set_container_id("ctr1");
  create.set_top_layer(layer.chain_id());
  create.set_image_id("sha256:" + std::string(64, 'a'));
  stv1::CreateRootfsResponse created;
  grpc::ClientContext c1;
  grpc::Status s = stub->CreateRootfs(&c1, create, &created);
  INFO(s.error_message());
  REQUIRE(s.ok());
  auto mount = [&]() {
    stv1::MountRootfsRequest req;
    req.set_container_id("ctr1");
    stv1::MountRootfsResponse resp;
    grpc::ClientContext ctx;
    REQUIRE(stub->MountRootfs(&ctx, req, &resp).ok());
    return resp;
  };
  stv1::MountRootfsResponse first = mount();
  CHECK(first.path() == created.path());
  CHECK(first.mounts() == 1);
  CHECK(mount().mounts() == 2);
  std::ifstream release(first.path() + "/etc/os-release");
  std::string word;
  release >> word;
  CHECK(word == "cria");

  // A restart keeps the rootfs and its mount; its user unmounts it once.
  stack.Kill("storage");
  stack.Start("storage");
  stub = stv1::Storage::NewStub(TestChannel(stack.Socket("storage")));
  CHECK(fs::exists(first.path() + "/etc/os-release"));
  {  // ListRootfs reports the image it was made from, also after the restart.
    stv1::ListRootfsResponse listed;
    grpc::ClientContext ctx;
    REQUIRE(stub->ListRootfs(&ctx, {}, &listed).ok());
    REQUIRE(listed.rootfs_size() == 1);
    CHECK(listed.rootfs(0).container_id() == "ctr1");
    CHECK(listed.rootfs(0).top_layer() == layer.chain_id());
    CHECK(listed.rootfs(0).image_id() == create.image_id());
    CHECK(listed.rootfs(0).mounts() == 1);
  }
  stv1::UnmountRootfsRequest un;
  un.set_container_id("ctr1");
  stv1::UnmountRootfsResponse unresp;
  grpc::ClientContext c2;
  REQUIRE(stub->UnmountRootfs(&c2, un, &unresp).ok());
  CHECK_FALSE(fs::exists(first.path() + "/etc/os-release"));

  grpc::ClientContext c3;
  s = stub->CreateRootfs(&c3, create, &created);
  CHECK(s.error_code() == grpc::StatusCode::ALREADY_EXISTS);
  stv1::RemoveRootfsRequest rm;
  rm.set_container_id("ctr1");
  stv1::RemoveRootfsResponse rmresp;
  grpc::ClientContext c4;
  REQUIRE(stub->RemoveRootfs(&c4, rm, &rmresp).ok());
  CHECK(Present(*stub, layer.chain_id()));  // the layer stays

  // Pinned, it survives GC; unpinned and unused, it goes.
  stv1::PinLayerRequest pin;
  pin.set_chain_id(layer.chain_id());
  pin.set_holder("image:test");
  stv1::PinLayerResponse pinned;
  grpc::ClientContext c5;
  REQUIRE(stub->PinLayer(&c5, pin, &pinned).ok());
  pin.set_holder("pull:1");
  grpc::ClientContext c5b;
  REQUIRE(stub->PinLayer(&c5b, pin, &pinned).ok());
  {  // ListPins filters by holder prefix.
    stv1::ListPinsRequest req;
    req.set_holder_prefix("image:");
    stv1::ListPinsResponse pins;
    grpc::ClientContext ctx;
    REQUIRE(stub->ListPins(&ctx, req, &pins).ok());
    REQUIRE(pins.pins_size() == 1);
    CHECK(pins.pins(0).chain_id() == layer.chain_id());
    CHECK(pins.pins(0).holder() == "image:test");
    stv1::ListPinsResponse all;
    grpc::ClientContext ctx2;
    REQUIRE(stub->ListPins(&ctx2, {}, &all).ok());
    CHECK(all.pins_size() == 2);
    stv1::UnpinLayerRequest unpin_pull;
    unpin_pull.set_chain_id(layer.chain_id());
    unpin_pull.set_holder("pull:1");
    stv1::UnpinLayerResponse unpinned;
    grpc::ClientContext ctx3;
    REQUIRE(stub->UnpinLayer(&ctx3, unpin_pull, &unpinned).ok());
  }
  auto gc = [&] {
    stv1::GarbageCollectResponse resp;
    grpc::ClientContext ctx;
    REQUIRE(stub->GarbageCollect(&ctx, {}, &resp).ok());
    return resp;
  };
  CHECK(gc().removed_size() == 0);
  stv1::UnpinLayerRequest unpin;
  unpin.set_chain_id(layer.chain_id());
  unpin.set_holder("image:test");
  stv1::UnpinLayerResponse unpinned;
  grpc::ClientContext c6;
  REQUIRE(stub->UnpinLayer(&c6, unpin, &unpinned).ok());
  stv1::GarbageCollectResponse freed = gc();
  CHECK(freed.removed_size() == 1);
  CHECK(freed.bytes_freed() > 0);
  CHECK_FALSE(Present(*stub, layer.chain_id()));
}

TEST_CASE("a store made with one driver refuses to start with another") {
  Stack stack;
  stack.WriteConfig("storage:\n  driver: overlay\n");
  stack.Start("storage");
  stack.Terminate("storage");
  stack.WriteConfig("storage:\n  driver: vfs\n");
  std::vector<std::string> argv = {BinaryPath("storage")};
  for (const auto& f : stack.CommonFlags()) argv.push_back(f);
  CommandResult r = RunCommand(argv);
  CHECK(r.exit_code == 1);
  CHECK(r.error.find("storage.driver is vfs but the store") != std::string::npos);
}

}  // namespace
}  // namespace cria::testing
