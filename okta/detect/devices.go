package detect

import (
	"regexp"
	"slices"
	"strings"

	"github.com/oktabot/oktabot/intents"
)

// Devices and phones: shared_mfa_device, device_nonstandard_name.
//
// An attacker who holds several accounts registers their own device, or
// their own phone number, as the MFA of each (Okta's "device registered
// to multiple users" and "phone number registered to multiple users"),
// and signs in to each from the same machine (one Okta device token,
// debugData.dtHash, for several users). A device they enrol rarely
// follows the org's naming of its computers (Okta's "device enrolled with
// a non-standard hostname").

const (
	baseSharedDevice = 45 // one device or phone registered to several users: Medium, High with more
	baseSharedToken  = 35 // one device token signing in several users: Medium
	wSharedMore      = 10 // each user beyond the threshold …
	wSharedMoreCap   = 20 // … capped
	baseDeviceName   = 30 // a device enrolled with a name outside the org's: Medium
	wDeviceAttacker  = 20 // … an attacker's distribution (Kali, Parrot)
	wDeviceUnmanaged = 5  // … and not managed
)

// defaultDeviceNames are computer names nobody in a managed fleet keeps:
// Windows' random default names and attacker distributions' defaults. They
// are what DeviceNamePattern's absence looks for.
var (
	defaultDeviceNames  = regexp.MustCompile(`(?i)^(desktop-[a-z0-9]{7}|win-[a-z0-9]{11}|laptop-[a-z0-9]{8}|localhost|vagrant|ubuntu|debian)$`)
	attackerDeviceNames = regexp.MustCompile(`(?i)^(kali|parrot|blackarch|pentest)\b`)
)

// deviceRegistration reports an event that ties a device to a user: Okta
// Verify (FastPass) registered on it, or the device enrolled.
func deviceRegistration(e intents.Event) bool {
	return (e.EventType == "device.user.add" || e.EventType == "device.enrollment.create") && succeeded(e)
}

// phoneVerification reports an SMS or voice call sent to verify a phone
// number: the number being enrolled as a factor.
func phoneVerification(e intents.Event) bool {
	switch e.EventType {
	case "system.sms.send_phone_verification_message", "system.voice.send_phone_verification_call":
		return true
	}
	return false
}

// deviceOf is the device target of e: its Okta device id and its name.
func deviceOf(e intents.Event) (id, name string, t intents.Actor, ok bool) {
	for _, t := range e.Targets {
		if !strings.EqualFold(t.Type, "Device") {
			continue
		}
		id = t.Detail["oktaDeviceId"]
		if id == "" {
			id = t.ID
		}
		name = t.DisplayName
		if name == "" || strings.EqualFold(name, "unknown") {
			name = t.AlternateID
		}
		return id, name, t, true
	}
	return "", "", intents.Actor{}, false
}

// phoneOf is the MobilePhone target's id (the same for one number).
func phoneOf(e intents.Event) string {
	for _, t := range e.Targets {
		if strings.EqualFold(t.Type, "MobilePhone") || strings.EqualFold(t.Type, "Phone") {
			return t.ID
		}
	}
	return ""
}

// tokenOf is e's device token when e is a successful sign-in.
func tokenOf(e intents.Event) string {
	if !isSignIn(e) {
		return ""
	}
	if h := e.Debug["dtHash"]; h != "" && h != "-" && !strings.EqualFold(h, "unknown") {
		return h
	}
	return ""
}

// deviceKeys are the Engine windows of devices, phones and device tokens
// that several users share.
func deviceKeys(e *intents.Event) []string {
	switch {
	case deviceRegistration(*e):
		if id, _, _, ok := deviceOf(*e); ok && id != "" {
			return []string{"dev:" + id}
		}
	case phoneVerification(*e):
		if id := phoneOf(*e); id != "" {
			return []string{"phone:" + id}
		}
	default:
		if h := tokenOf(*e); h != "" {
			return []string{"dt:" + h}
		}
	}
	return nil
}

// sharedMFADevice finds one device or phone number registered to several
// users, and one device token signing several users in.
func sharedMFADevice(tl *timeline) []finding {
	th := tl.cfg.Thresholds
	kinds := []struct {
		what      string
		key       func(intents.Event) string
		threshold int
		base      int
	}{
		{"device", func(e intents.Event) string {
			if !deviceRegistration(e) {
				return ""
			}
			id, _, _, _ := deviceOf(e)
			return id
		}, th.SharedDeviceUsers, baseSharedDevice},
		{"phone number", func(e intents.Event) string {
			if !phoneVerification(e) {
				return ""
			}
			return phoneOf(e)
		}, th.SharedDeviceUsers, baseSharedDevice},
		{"device token", tokenOf, th.SharedTokenUsers, baseSharedToken},
	}
	var out []finding
	for _, k := range kinds {
		// key → user → the user's events with it
		groups := map[string]map[string][]int{}
		for i, e := range tl.events {
			key, u := k.key(e), subject(e)
			if key == "" || u == "" {
				continue
			}
			if groups[key] == nil {
				groups[key] = map[string][]int{}
			}
			groups[key][u] = append(groups[key][u], i)
		}
		for _, key := range sortedKeys(groups) {
			users := groups[key]
			if len(users) < k.threshold {
				continue
			}
			for _, u := range sortedKeys(users) {
				// What the key had done before u first used it: the later
				// user is the one to look at (the first registrant of a
				// device is likely its owner), and u's finding stays as it
				// was when others join later (an attacker's device signing
				// in victim after victim grows no earlier victim's incident).
				before := map[string][]int{u: users[u]}
				for o, idx := range users {
					if o != u && idx[0] < users[u][0] {
						before[o] = idx
					}
				}
				if len(before) >= k.threshold {
					out = append(out, tl.sharedDevice(k.what, k.base, k.threshold, u, before))
				}
			}
		}
	}
	return out
}

// sharedDevice is user u's finding on a device, phone or token that users
// share: users are u and those who used it before u.
func (tl *timeline) sharedDevice(what string, base, threshold int, u string, users map[string][]int) finding {
	mine := users[u]
	e := tl.events[mine[0]]
	others := slices.DeleteFunc(sortedKeys(users), func(o string) bool { return o == u })
	label := what
	if what == "device" {
		if _, name, _, _ := deviceOf(e); name != "" {
			label += " \"" + name + "\""
		}
	}
	var ev evidence
	verb := "registered for"
	if what == "device token" {
		verb = "signed in"
	}
	ev.add(base, "one %s %s %d users (threshold %d): %s and %s", label, verb, len(users), threshold, u, strings.Join(others, ", "))
	if more := len(users) - threshold; more > 0 {
		ev.add(min(more*wSharedMore, wSharedMoreCap), "%s beyond the threshold", plural(more, "user", "users"))
	}
	tl.origin(&ev, e, "the "+strings.TrimSuffix(verb, " for"))
	tl.adminEvidence(&ev, u)
	var summary string
	switch what {
	case "device token":
		summary = "The device that signed " + u + " in at " + tl.clock(e.Published) + " from " + tl.ipLabel(e) +
			" also signed in " + joinUsers(others)
	default:
		summary = capitalize(label) + " registered to " + u + " at " + tl.clock(e.Published) + " is also registered to " +
			joinUsers(others)
	}
	idx := slices.Clone(mine)
	for _, o := range others {
		idx = append(idx, users[o]...)
	}
	return tl.newFinding(SharedMFADevice, u, summary, ev, idx)
}

// joinUsers is "a", "a and b", or "a, b and 3 more".
func joinUsers(us []string) string {
	switch {
	case len(us) == 1:
		return us[0]
	case len(us) == 2:
		return us[0] + " and " + us[1]
	}
	return us[0] + ", " + us[1] + " and " + plural(len(us)-2, "more user", "more users")
}

// mobile reports a phone or tablet, whose names follow no fleet's
// convention (Okta's rule leaves them out).
func mobile(e intents.Event, t intents.Actor) bool {
	p := strings.ToUpper(t.Detail["osPlatform"] + " " + t.Detail["platform"])
	return strings.Contains(p, "IOS") || strings.Contains(p, "ANDROID") || strings.EqualFold(e.Client.Device, "Mobile")
}

// deviceNonstandardName finds devices enrolled or registered with a name
// outside the org's convention (Config.DeviceNamePattern), or, with no
// convention set, a name no managed computer keeps.
func deviceNonstandardName(tl *timeline) []finding {
	var pattern *regexp.Regexp
	if p := strings.TrimSpace(tl.cfg.DeviceNamePattern); p != "" {
		re, err := regexp.Compile(p)
		if err != nil { // Validate refuses it; a run goes on with the defaults
			re = nil
		}
		pattern = re
	}
	var out []finding
	seen := map[string]bool{} // device id: the first enrolment speaks for it
	for i, e := range tl.events {
		if !deviceRegistration(e) {
			continue
		}
		id, name, t, ok := deviceOf(e)
		if !ok || name == "" || seen[id+"\x00"+name] {
			continue
		}
		var ev evidence
		switch {
		case attackerDeviceNames.MatchString(name):
			ev.add(baseDeviceName, "device named %q: an attacker's distribution's default", name)
			ev.add(wDeviceAttacker, "a penetration-testing system, not a work computer")
		case mobile(e, t):
			continue
		case pattern != nil && !pattern.MatchString(name):
			ev.add(baseDeviceName, "device named %q: outside the org's naming (%s)", name, pattern)
		case pattern == nil && defaultDeviceNames.MatchString(name):
			ev.add(baseDeviceName, "device named %q: a default name that IT would have changed", name)
		default:
			continue
		}
		seen[id+"\x00"+name] = true
		if strings.EqualFold(t.Detail["managed"], "false") {
			ev.add(wDeviceUnmanaged, "the device is not managed")
		}
		u := subject(e)
		tl.origin(&ev, e, "the enrolment")
		tl.adminEvidence(&ev, u)
		summary := "Device \"" + name + "\" enrolled for " + orName(u, e.Actor) + " at " + tl.clock(e.Published) +
			" from " + tl.ipLabel(e) + ": not a name the org gives its computers"
		out = append(out, tl.newFinding(DeviceNonstandardName, u, summary, ev, []int{i}))
	}
	return out
}
