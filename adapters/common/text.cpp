#include "adapters/common/text.hpp"

namespace adapters::text {

void read_pairs(std::string_view text, std::map<std::string, std::string>& values, std::string_view space) {
  size_t start = 0;
  while (start <= text.size()) {
    const size_t semi = text.find(';', start);
    const std::string_view pair =
        trim_view(text.substr(start, semi == std::string_view::npos ? std::string_view::npos : semi - start), space);
    if (size_t eq = pair.find('='); eq != std::string_view::npos)
      values[trim(pair.substr(0, eq), space)] = trim(pair.substr(eq + 1), space);
    if (semi == std::string_view::npos) break;
    start = semi + 1;
  }
}

}  // namespace adapters::text
