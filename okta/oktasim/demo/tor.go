package demo

import _ "embed"

// demoTorExits is a small Tor exit list that names the demo org's
// brute-force IP; its source and licence are in its header.
//
//go:embed tor_exits.txt
var demoTorExits string

// TorExits is the demo's Tor exit list in the Tor Project's bulk
// format, for OKTABOT_TOR_EXITS when none is configured.
func TorExits() string { return demoTorExits }
