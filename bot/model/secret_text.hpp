#pragma once
// What looks like a password in text people send. Hallpass never takes one (LBUSD Code of Ethics
// §E, Registry 2: the site keeps usernames and passwords); workflows refuse such text, and an
// adapter that keeps what people type (the web chat's history) does not keep it.
#include <string_view>

namespace bot {

// True when text looks like a password: "password: …", "my password is Tr0ub4dor!", "contraseña: …",
// or text that is one token of 8+ characters mixing letters, digits and a symbol (not a web
// address, an @handle or an e-mail address).
bool looks_like_password(std::string_view text);

}  // namespace bot
