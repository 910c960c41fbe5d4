// Prints the default configuration file (deploy/config/cria.yaml) from the schema.
#include <iostream>

#include "libs/config/loader.h"

int main() {
  std::cout << cria::config::DefaultFileText();
  return 0;
}
