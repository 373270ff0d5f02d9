#include "app/cli/args.hpp"

namespace cli {

Args parse_args(int argc, char** argv, int first, const std::set<std::string>& with_value,
                const std::set<std::string>& flags) {
  Args a;
  for (int i = first; i < argc; ++i) {
    std::string w = argv[i];
    if (w.starts_with("--") && w.size() > 2) {
      std::string value;
      bool inline_value = false;
      if (auto eq = w.find('='); eq != std::string::npos) {
        value = w.substr(eq + 1);
        w = w.substr(0, eq);
        inline_value = true;
      }
      if (with_value.contains(w)) {
        if (!inline_value) {
          if (i + 1 >= argc) {
            a.error = w + " needs a value";
            return a;
          }
          value = argv[++i];
        }
        a.options[w] = value;
      } else if (flags.contains(w)) {
        a.options[w] = "";
      } else {
        a.error = "unknown option " + w;
        return a;
      }
    } else {
      a.positional.push_back(w);
    }
  }
  return a;
}

}  // namespace cli
