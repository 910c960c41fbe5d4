#include "libs/status/status.h"

#include <catch2/catch.hpp>
#include <cerrno>

#include "libs/status/grpc_status.h"

namespace cria {
namespace {

Result<int> Half(int n) {
  if (n % 2 != 0) return Status(StatusCode::kInvalidArgument, "odd number " + std::to_string(n));
  return n / 2;
}

Result<int> Quarter(int n) {
  CRIA_ASSIGN_OR_RETURN(int half, Half(n), "first halving");
  CRIA_ASSIGN_OR_RETURN(int quarter, Half(half), "second halving of " + std::to_string(half));
  return quarter;
}

Status CheckEven(int n) {
  CRIA_RETURN_IF_ERROR(Half(n).status(), "check " + std::to_string(n));
  return OkStatus();
}

TEST_CASE("ErrnoStatus names the operation, the errno and maps the code") {
  Status s = ErrnoStatus(ENOENT, "open /x/y");
  CHECK(s.code() == StatusCode::kNotFound);
  CHECK(s.message() == "open /x/y: ENOENT (No such file or directory)");
  CHECK(ErrnoStatus(EEXIST, "mkdir").code() == StatusCode::kAlreadyExists);
  CHECK(ErrnoStatus(EACCES, "open").code() == StatusCode::kPermissionDenied);
  CHECK(ErrnoStatus(EINVAL, "mount").code() == StatusCode::kInvalidArgument);
  CHECK(ErrnoStatus(ENOSPC, "write").code() == StatusCode::kResourceExhausted);
  CHECK(ErrnoStatus(ETIMEDOUT, "connect").code() == StatusCode::kDeadlineExceeded);
  CHECK(ErrnoStatus(EIO, "read").code() == StatusCode::kInternal);
}

TEST_CASE("ASSIGN_OR_RETURN and RETURN_IF_ERROR add context and keep the code") {
  REQUIRE(Quarter(8).value() == 2);
  Result<int> r = Quarter(6);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
  CHECK(r.status().message() == "second halving of 3: odd number 3");
  Status s = CheckEven(5);
  CHECK(s.message() == "check 5: odd number 5");
  CHECK(CheckEven(4).ok());
}

TEST_CASE("Annotate leaves OK alone") {
  CHECK(Annotate(OkStatus(), "ctx").ok());
  CHECK(Annotate(Status(StatusCode::kNotFound, ""), "ctx").message() == "ctx");
}

TEST_CASE("gRPC mapping keeps code and message both ways") {
  Status s(StatusCode::kFailedPrecondition, "image in use by container abc");
  grpc::Status g = ToGrpc(s);
  CHECK(g.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(g.error_message() == "image in use by container abc");
  CHECK(FromGrpc(g) == s);
  CHECK(ToGrpc(OkStatus()).ok());
  CHECK(FromGrpc(grpc::Status(grpc::StatusCode::UNAVAILABLE, "down")).code() ==
        StatusCode::kUnavailable);
}

}  // namespace
}  // namespace cria
