package detect

import "github.com/oktabot/oktabot/intents"

// moreKeys are the Engine windows (see keysOf) of the detections that
// group events across users by something other than an IP: a device, a
// phone number, a device token.
func moreKeys(e *intents.Event) []string {
	return deviceKeys(e)
}
