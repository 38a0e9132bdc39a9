package okta

import (
	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/detect"
)

// The team's own rules (detect.Config.Rules) in the System Log reads: the
// reads for the detections (the threats sweep, the watcher's poll) also
// ask Okta for the event types the rules select on, or for every event
// when a rule may match any type; and the events a rule may match keep
// their raw JSON until the detections have run, since a rule may read any
// field Okta logs.

// detectionFilter is the System Log filter of the reads for the
// detections: the catalogue's event types and the rules', or none when a
// rule may match an event of any type.
func (c *Client) detectionFilter() string {
	types := detectionEventTypes()
	if rs := c.s.detect.Rules; rs != nil {
		more, all := rs.EventTypes()
		if all {
			return ""
		}
		types = append(types, more...)
	}
	return anyOf(typeTerms(types)...)
}

// rawKeeper reports which events keep their raw JSON for the rules: none
// without rules.
func (c *Client) rawKeeper() func(intents.Event) bool {
	rs := c.s.detect.Rules
	if rs == nil {
		return func(intents.Event) bool { return false }
	}
	types, all := rs.EventTypes()
	return func(e intents.Event) bool { return all || detect.OfType(e.EventType, types) }
}
