#include "libs/undo/undo_stack.h"

#include <catch2/catch.hpp>
#include <string>

namespace cria {
namespace {

TEST_CASE("undos run newest first when the scope is left without Commit") {
  std::string order;
  {
    UndoStack undo;
    undo.Push("first", [&] {
      order += "1";
      return OkStatus();
    });
    undo.Push("second", [&] {
      order += "2";
      return OkStatus();
    });
  }
  CHECK(order == "21");
}

TEST_CASE("Commit keeps everything") {
  std::string order;
  {
    UndoStack undo;
    undo.Push("first", [&] {
      order += "1";
      return OkStatus();
    });
    undo.Commit();
  }
  CHECK(order.empty());
}

TEST_CASE("a failing undo does not stop the others and is reported") {
  std::string order;
  UndoStack undo;
  undo.Push("remove record", [&] {
    order += "1";
    return OkStatus();
  });
  undo.Push("unmount netns", [&] {
    order += "2";
    return Status(StatusCode::kInternal, "EBUSY");
  });
  undo.Push("run DEL", [&] {
    order += "3";
    return OkStatus();
  });
  Status s = undo.Run();
  CHECK(order == "321");
  CHECK(MessageOf(s) == "undo unmount netns: EBUSY");
  CHECK(undo.Run().ok());  // nothing left
}

}  // namespace
}  // namespace cria
