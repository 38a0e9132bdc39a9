package freetext

import (
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// TestSaidVerbsAreVocabulary checks the words the catalogue says ask for
// each action (KindInfo.Said): every action has at least one, and each is a
// word or phrase the free-text vocabulary reads as a change verb, so that
// verbKinds, built from them, holds every one.
func TestSaidVerbsAreVocabulary(t *testing.T) {
	for _, info := range intents.Catalogue {
		if info.Action && len(info.Said) == 0 {
			t.Errorf("action %s: the catalogue says no word that asks for it (Said)", info.Kind)
		}
		for _, w := range info.Said {
			c := wordCue(w)
			switch {
			case !c.isVerb():
				t.Errorf("%s: Said word %q is not a change verb of the free-text vocabulary (cue %d)", info.Kind, w, c)
			case c == vVague:
				t.Errorf("%s: Said word %q is a vague verb, which never makes an action", info.Kind, w)
			case !slices.Contains(verbKinds[c], info.Kind):
				t.Errorf("%s: Said word %q does not make it in verbKinds", info.Kind, w)
			}
		}
	}
}

// verbTails follow a change verb in the requests of
// TestResolveStaysInCatalogue: users, passwords, factors and sessions,
// memberships, groups, apps, policies and rules, with and without Okta's
// JSON.
var verbTails = []string{
	"jdoe", "john@company.com", "the user", "user jdoe", "John Smith", "jdoe and jane@company.com",
	"john@company.com's password", "the password of jdoe", "jdoe's mfa", "mfa for jdoe", "the factors of jdoe",
	"jdoe's sessions", "sessions of jdoe", "tokens for jdoe", "jdoe, he clicked a link",
	"jdoe from Engineering", "jdoe to Engineering", "jdoe into the Engineering group", "jdoe from okta",
	"group Engineering", "the Engineering group", "group Engineering to Eng", `group Engineering description:"All engineers"`,
	`a group called "Incident Responders"`, "user jane@company.com firstName:Jane", "jdoe title:VP", "jdoe's title to VP",
	"app Salesforce", "the Salesforce app", "Salesforce", "policy Contractors", "the Contractors policy",
	`rule "Require MFA" in policy Contractors`, `the "Require MFA" rule of the Contractors policy`,
	`app {"label":"Wiki","signOnMode":"BOOKMARK"}`, `app Wiki {"label":"Team Wiki"}`,
	`policy {"type":"OKTA_SIGN_ON","name":"Contractors"}`, `policy Contractors {"description":"x"}`,
	`rule in policy Contractors {"name":"Require MFA"}`, `rule "Require MFA" of policy Contractors {"name":"Require MFA always"}`,
}

// resolveBeyondSaid are the actions resolve makes of a verb although the
// catalogue does not say the verb asks for them, so that a model's answer
// of the same action to the same request is not grounded: resolve reads
// "update", "set" and "rename" alike, while the catalogue lets "set"
// choose only a user's or a group's update and "rename" only a group's.
// Kept as they are so that behaviour does not change; each entry must
// still be made by some request of the test, and none may be added.
var resolveBeyondSaid = map[cue][]intents.Kind{
	vSet:    {intents.UpdateApp, intents.UpdatePolicy, intents.UpdatePolicyRule},
	vRename: {intents.UpdateUser, intents.UpdateApp, intents.UpdatePolicy, intents.UpdatePolicyRule},
}

// TestResolveStaysInCatalogue reads a change verb — every word and phrase
// of the vocabulary that is one — before each of verbTails, and checks that
// every action resolve makes of the verb and that validates is one that the
// catalogue says the verb asks for: the grammar in resolve picks among a
// verb's actions by context, and may not add to them. It checks too that
// the requests reach every action, so that none goes unchecked.
func TestResolveStaysInCatalogue(t *testing.T) {
	now := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)
	var verbs []string
	for w, c := range vocabulary {
		if c.isVerb() && c != vVague {
			verbs = append(verbs, w)
		}
	}
	for _, ps := range phrases {
		for _, p := range ps {
			if p.cue.isVerb() && p.cue != vVague {
				verbs = append(verbs, strings.Join(p.words, " "))
			}
		}
	}
	sort.Strings(verbs)
	reached := map[intents.Kind]bool{}
	beyond := map[cue][]intents.Kind{}
	for _, verb := range verbs {
		for _, tail := range verbTails {
			text := verb + " " + tail
			for i, c := range newScan(text, now).cue {
				if !c.isVerb() || c == vVague {
					continue
				}
				d, ok := newScan(text, now).resolve(i)
				if !ok || len(d.ask) > 0 || !d.kind.IsAction() {
					continue
				}
				in, err := d.intent(now)
				if err != nil || !in.Kind.IsAction() {
					continue // an incomplete action asks for what it lacks
				}
				reached[in.Kind] = true
				if slices.Contains(resolveBeyondSaid[c], in.Kind) {
					beyond[c] = append(beyond[c], in.Kind)
					continue
				}
				if !slices.Contains(verbKinds[c], in.Kind) {
					t.Errorf("%q: resolve makes %s of %q, which the catalogue does not say asks for it (Said)", text, in.Kind, newScan(text, now).toks[i].raw)
				}
			}
		}
	}
	for _, info := range intents.Catalogue {
		if info.Action && !reached[info.Kind] {
			t.Errorf("no request of the test makes %s: add a tail that does", info.Kind)
		}
	}
	for c, ks := range resolveBeyondSaid {
		for _, k := range ks {
			if !slices.Contains(beyond[c], k) {
				t.Errorf("resolveBeyondSaid lists %s for verb cue %d, which no request makes any more: remove it", k, c)
			}
		}
	}
}
