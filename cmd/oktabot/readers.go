package main

// loadReaders reads OKTABOT_READERS: the Slack user ids (U…, W…) and
// user-group ids (S…) who may read Okta in a direct message, besides the
// approvers and the members of OKTABOT_CHANNELS (only with
// OKTABOT_DIRECT_MESSAGES=true; in a channel, its members read). Every bad
// entry is named.
func loadReaders(e env) ([]string, error) {
	var p problems
	ids := list(e.get("OKTABOT_READERS"))
	for _, id := range ids {
		if !approverID.MatchString(id) {
			p.add(badf("OKTABOT_READERS: %q is not a Slack user id (U…/W…) or user-group id (S…): copy it from the profile's ⋮ → Copy member ID", id))
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return ids, nil
}
