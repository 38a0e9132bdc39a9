// Package rules reads a team's own detection rules, written in a subset of
// Sigma (https://sigmahq.io), and matches them against Okta System Log
// events. Sigma's published Okta rules (rules/identity/okta) load
// unchanged.
//
// # The subset
//
// A rule file is one YAML document. It must say logsource product okta and
// have a title and a detection; id, description, author, level, tags and
// falsepositives are kept for display, and other keys (status,
// references, date …) are accepted and ignored.
//
// The detection holds named selections and a condition. A selection is a
// map of field → value(s), all of which must match, or a list of such
// maps, any of which must match, or a list of keywords, any of which must
// occur in some value of the event. A field names a JSON path of the event
// as Okta logs it (eventType, displayMessage, outcome.result,
// securityContext.isProxy, debugContext.debugData.requestUri,
// target.displayName …), matched without regard to case; a path through an
// array (target) matches when any element matches. A list of values means
// any of them; the modifiers are contains, startswith, endswith, re (a Go
// regular expression, case-sensitive) and all (every value of the list
// must match). Values are compared as text without regard to case (true
// matches the JSON boolean true), with Sigma's wildcards * and ? (escaped
// with \); null matches a field that is absent or null.
//
// The condition is and, or, not and parentheses over selection names,
// "1 of X" and "all of X" where X is a selection name with * wildcards or
// "them" (every selection not starting with _); a list of conditions means
// any of them. Aggregations (| count() …), timeframe, other modifiers and
// several documents in one file are refused: a rule that would silently
// mean something else never loads.
//
// # Levels and tags
//
// level (informational, low, medium, high, critical; medium when absent)
// becomes the finding's severity; tags attack.tNNNN[.NNN] become the
// finding's ATT&CK technique ids, and a rule tagged with tactics only
// (attack.persistence) carries those tactics' ids (TA0003).
//
// # Errors
//
// A file that is not such a rule is an *Error naming the file and the line
// of the offending key or value. Load reads a directory and stops at the
// first bad file; a directory with no rule files loads an empty Set.
//
// The package does no I/O but Load's reading of the rules directory, and
// imports only intents, okta/detect (whose Rules interface a Set
// implements) and the YAML library.
package rules
