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
		if info.Action && len(info.Idioms) == 0 {
			t.Errorf("action %s: the catalogue has no idiom for it (Idioms)", info.Kind)
		}
		for _, text := range info.Idioms {
			id := parseIdiom(text)
			switch {
			case len(id.head) == 0:
				t.Errorf("%s: idiom %q does not start with a word", info.Kind, text)
			case !info.Action:
				if !slices.ContainsFunc(queryIdioms, func(q *idiom) bool { return slices.Equal(q.head, id.head) }) {
					t.Errorf("%s: query idiom %q is not read", info.Kind, text)
				}
			case slices.ContainsFunc(actionIdioms[id.head[0]], func(a *idiom) bool {
				return slices.Equal(a.head, id.head) && slices.Equal(a.tail, id.tail) && slices.Contains(a.kinds, info.Kind)
			}):
				// the idiom adds its meaning
			case !slices.Contains(verbKinds[wordCue(id.head[0])], info.Kind) && !slices.Contains(verbKinds[wordCue(strings.Join(id.head, " "))], info.Kind):
				t.Errorf("%s: idiom %q is read as its words, and they do not ask for it", info.Kind, text)
			}
		}
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
// of the vocabulary that is one, and every idiom of an action (with each
// tail as its target when it has one) — before each of verbTails, and checks that
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
	for _, info := range intents.Catalogue {
		for _, text := range info.Idioms {
			if info.Action && !strings.Contains(text, "…") {
				verbs = append(verbs, text)
			}
		}
	}
	sort.Strings(verbs)
	var texts []string
	for _, verb := range verbs {
		for _, tail := range verbTails {
			texts = append(texts, verb+" "+tail)
		}
	}
	for _, info := range intents.Catalogue {
		for _, text := range info.Idioms {
			if info.Action && strings.Contains(text, "…") {
				for _, tail := range verbTails {
					texts = append(texts, strings.Replace(text, "…", tail, 1))
				}
			}
		}
	}
	reached := map[intents.Kind]bool{}
	beyond := map[cue][]intents.Kind{}
	for _, text := range texts {
		{
			for i, c := range newScan(text, now).cue {
				if !c.isVerb() || c == vVague {
					continue
				}
				sc := newScan(text, now)
				d, ok := sc.resolve(i)
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
				if !slices.Contains(sc.idiomMakes(i), in.Kind) {
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

// idiomTarget is what follows an idiom of kind k in
// TestIdiomsMakeTheirKind: its target, and what the kind requires besides.
func idiomTarget(info intents.KindInfo) (target, rest string) {
	update := slices.Contains(info.Required, intents.ArgFields) || slices.Contains(info.Required, intents.ArgBody) && slices.Contains(info.Positional, info.Title.Target)
	switch info.Title.Target {
	case intents.ArgUser:
		if update {
			return "jdoe", " title:VP"
		}
		if info.Title.Second == intents.ArgGroup {
			return "jdoe", " Admins"
		}
		return "jdoe", ""
	case intents.ArgGroup:
		if update {
			return "group Engineering", ` description:"All engineers"`
		}
		return "the Engineering group", ""
	case intents.ArgApp:
		switch {
		case update:
			return "app Wiki", ` {"label":"Team Wiki"}`
		case slices.Contains(info.Required, intents.ArgBody):
			return "app", ` {"label":"Wiki","signOnMode":"BOOKMARK"}`
		}
		return "the Salesforce app", ""
	case intents.ArgPolicy:
		switch {
		case update:
			return "policy Contractors", ` {"description":"x"}`
		case slices.Contains(info.Required, intents.ArgBody):
			return "policy", ` {"type":"OKTA_SIGN_ON","name":"Contractors"}`
		}
		return "policy Contractors", ""
	case intents.ArgRule:
		switch {
		case update:
			return `rule "Require MFA" of policy Contractors`, ` {"name":"Require MFA always"}`
		case slices.Contains(info.Required, intents.ArgBody):
			return "rule in policy Contractors", ` {"name":"Require MFA"}`
		}
		return `rule "Require MFA" in policy Contractors`, ""
	}
	return "Salesforce", "?" // a query about an app
}

// TestIdiomsMakeTheirKind reads every idiom of the catalogue before (or
// around, at its "…") a target of its kind, and checks that Understand
// makes the kind: "freeze jdoe" suspends, "take jdoe out of Admins"
// removes a member, "turn off the Salesforce app" deactivates it, "who has
// Salesforce?" lists its assignments.
func TestIdiomsMakeTheirKind(t *testing.T) {
	now := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)
	for _, info := range intents.Catalogue {
		for _, text := range info.Idioms {
			target, rest := idiomTarget(info)
			req := text + " " + target + rest
			if strings.Contains(text, "…") {
				req = strings.Replace(text, "…", target, 1) + rest
			} else if info.Title.Second == intents.ArgGroup {
				req = text + " " + target + " " + info.Title.Link + rest
			}
			got, err := Understand(req, now)
			if err != nil || got.Kind != info.Kind {
				t.Errorf("%s: idiom %q: Understand(%q) = %s %v, want %s", info.Kind, text, req, got.Kind, err, info.Kind)
			}
		}
	}
}
