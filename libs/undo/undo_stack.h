// Undo for multi-step operations (STYLE.md, "Cleanup on failure"): after each step
// succeeds, Push its undo with a description; Commit at the end. If the scope is left
// without Commit, the undos run newest-first; each failure is logged with its
// description and the others still run.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "libs/status/status.h"

namespace cria {

class UndoStack {
 public:
  UndoStack() = default;
  UndoStack(const UndoStack&) = delete;
  UndoStack& operator=(const UndoStack&) = delete;
  ~UndoStack() { (void)Run(); }  // each failure is logged by Run

  void Push(std::string description, std::function<Status()> undo) {
    steps_.emplace_back(std::move(description), std::move(undo));
  }
  // Keeps everything done so far.
  void Commit() { steps_.clear(); }
  // Undoes now (newest first); returns the first failure. Nothing is left to undo after.
  Status Run();

 private:
  std::vector<std::pair<std::string, std::function<Status()>>> steps_;
};

}  // namespace cria
