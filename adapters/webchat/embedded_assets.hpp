#pragma once
// The web chat's static files (adapters/webchat/static/), embedded at build time by
// cmake/embed_assets.cmake so the binary serves them from any working directory.
#include <string_view>
#include <vector>

namespace adapters::webchat {

struct EmbeddedAsset {
  std::string_view path;  // "/index.html"
  std::string_view content;
};

const std::vector<EmbeddedAsset>& embedded_assets();

}  // namespace adapters::webchat
