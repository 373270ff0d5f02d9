#include "workflows/registry_secrets.hpp"

#include <cctype>

#include <nlohmann/json.hpp>

#include "workflows/platforms.hpp"
#include "workflows/registry_accounts.hpp"

namespace workflows {

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

bool refuse_pasted_password(Context& ctx) {
  if (!ctx.event || !ctx.actor) return false;
  const bot::Inbound& ev = *ctx.event;
  std::string field;
  bool found = false;
  if (ev.kind == bot::InboundKind::form_submission) {
    for (const auto& [key, value] : ev.values)
      if (looks_like_password(value)) {
        field = key;
        found = true;
        break;
      }
  } else {
    found = looks_like_password(ev.text);
  }
  if (!found) return false;

  // Deleted where it was written, where the platform lets the bot (the reference goes to the
  // dispatcher in memory only, never to the store).
  if (!ev.message_ref.empty())
    ctx.effects.send({.to = {.kind = bot::Recipient::Kind::reply,
                             .platform = ev.platform,
                             .channel = ev.place.channel,
                             .thread_ref = ev.place.thread_ref},
                      .delete_ref = ev.message_ref});
  bot::Message m;
  m.paragraph(ctx.text(*ctx.actor, "registry.secret.refused"));
  quote_registry_clause(ctx, m, "credentials_held");
  m.context(ctx.text(*ctx.actor, ev.message_ref.empty() ? "registry.secret.delete_it" : "registry.secret.deleted"));
  ctx.reply(std::move(m));
  // Which field, never what was in it.
  ctx.audit("refused:password", ev.form_context,
            {{"where", ev.kind == bot::InboundKind::form_submission ? "form" : "message"},
             {"form", ev.form_id},
             {"field", field},
             {"deletion_requested", !ev.message_ref.empty()}});
  if (ev.kind == bot::InboundKind::form_submission && ev.form_id.starts_with("registry."))
    show_registry_form_again(ctx, field);
  return true;
}

}  // namespace workflows
