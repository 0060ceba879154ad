// How a template is spelled, apart from what it means. Kubespray's samples
// respell expressions between tags without changing them (`ipaddr('net')`
// became `ansible.utils.ipaddr('net')` when the filter moved to a
// collection; spacing around `|` varies), and operators reformat them. A
// merge must not call that a conflict: it compares spelling keys, and it
// carries a sample's respelling of filter names over to the operator's own
// expression.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace ksm::jinja {

// `text` with, inside `{{ }}` and `{% %}` and outside string literals,
// whitespace removed, string literals single-quoted, and collection-qualified
// filter and test names (`ansible.utils.ipaddr`) reduced to their last part.
// Text outside the delimiters is kept as is. Two spellings of one template
// have the same key.
std::string spelling_key(std::string_view text);

// The qualified filter names `after` uses where `before` used the bare name
// ("ipaddr" -> "ansible.utils.ipaddr"), for the names `before` uses bare.
std::map<std::string, std::string> filter_respellings(std::string_view before,
                                                      std::string_view after);

// `text` with each bare filter name of `respell` (in filter position, after
// `|`) replaced by its qualified spelling; everything else byte-identical.
std::string respell_filters(std::string_view text,
                            const std::map<std::string, std::string>& respell);

}  // namespace ksm::jinja
