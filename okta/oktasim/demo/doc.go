// Package demo is the demo org the simulator serves: over 200 people, their
// groups, apps, policies, factors and admin roles, and a seven-day System
// Log of ordinary work with seven attack stories hidden in it (Stories),
// each naming the okta/detect detections it must trigger.
//
// Org, OrgIn and OrgAt build the org as an oktasim.Fixture for
// oktasim.New; Now is its present; TorExits is the small Tor exit list that
// names the stories' exit nodes. It is deterministic: every call builds the
// same org afresh.
//
// # What this package must not do
//
// It is data for the simulator: it imports only oktasim and the standard
// library, does no I/O and keeps no state between calls.
package demo
