#include "adapters/matrix/matrix_rules.hpp"

#include "adapters/common/id_forms.hpp"
#include "adapters/matrix/matrix_adapter.hpp"

namespace adapters::matrix {

bot::PlatformRules rules() {
  bot::PlatformRules r;
  r.name = "matrix";
  r.docs = "matrix";
  r.check_settings = [](const bot::SettingMap& s) { return check_settings(s); };
  r.handle_problem = [](std::string_view v) -> std::string {
    if (sigil_colon_id(v, '@')) return {};
    return "is not a Matrix user id: write \"@name:server\" in quotes, e.g. \"@tgarcia:example.org\"";
  };
  r.address_problem = [](std::string_view v) -> std::string {
    if (sigil_colon_id(v, '!')) return {};
    return "is not a Matrix room id: write \"!id:server\" in quotes (Element: Room settings → Advanced)";
  };
  return r;
}

}  // namespace adapters::matrix
