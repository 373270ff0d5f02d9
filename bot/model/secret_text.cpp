#include "bot/model/secret_text.hpp"

#include <cctype>
#include <string>

#include "bot/model/text.hpp"

namespace bot {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// One run of text with no blanks, 8 to 128 characters, mixing letters, digits and a symbol.
bool secret_token(std::string_view t) {
  if (t.size() < 8 || t.size() > 128) return false;
  for (char c : t)
    if (is_space(c)) return false;
  const std::string l = lower(t);
  if (l.starts_with("http://") || l.starts_with("https://") || l.starts_with("www.")) return false;
  // Handles, e-mail addresses, paths and web addresses without a scheme are not passwords.
  if (t.find('@') != std::string_view::npos || t.find('/') != std::string_view::npos) return false;
  bool letter = false, digit = false, symbol = false;
  for (char ch : t) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalpha(c) || c >= 0x80)
      letter = true;
    else if (std::isdigit(c))
      digit = true;
    else if (c != '-' && c != '_' && c != '.' && c != ',')
      symbol = true;
  }
  return letter && digit && symbol;
}

// "password: x", "password = x", "password is X9!", "contraseña es …": a credential keyword
// followed by a value. After ":" or "=" any value of 3+ characters counts; after "is"/"es" only
// one with a digit or a symbol, so "my password is held by the principal" is not refused.
bool keyword_value(std::string_view text) {
  const std::string t = lower(text);
  for (std::string_view key :
       {"password", "passwd", "passcode", "passphrase", "pwd", "contraseña", "contrasena", "clave de acceso"}) {
    for (size_t at = t.find(key); at != std::string::npos; at = t.find(key, at + 1)) {
      size_t i = at + key.size();
      while (i < t.size() && std::isalpha(static_cast<unsigned char>(t[i]))) ++i;  // passwords, pwd's
      while (i < t.size() && is_space(t[i])) ++i;
      bool strong = false;
      if (i < t.size() && (t[i] == ':' || t[i] == '=')) {
        strong = true;
        ++i;
      } else {
        bool verb = false;
        for (std::string_view v : {"is ", "es ", "was ", "era "})
          if (t.compare(i, v.size(), v) == 0) {
            i += v.size();
            verb = true;
            break;
          }
        if (!verb) continue;
      }
      while (i < t.size() && is_space(t[i])) ++i;
      size_t end = i;
      while (end < t.size() && !is_space(t[end])) ++end;
      std::string_view value = std::string_view(text).substr(i, end - i);
      while (!value.empty() && (value.back() == '.' || value.back() == ',')) value.remove_suffix(1);
      if (strong && value.size() >= 3) return true;
      bool marked = false;
      for (char ch : value) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isdigit(c) || (!std::isalpha(c) && c < 0x80)) marked = true;
      }
      if (marked && value.size() >= 4) return true;
    }
  }
  return false;
}

}  // namespace

bool looks_like_password(std::string_view text) {
  const std::string t = trim(text);
  if (t.empty()) return false;
  return keyword_value(t) || secret_token(t);
}

}  // namespace bot
