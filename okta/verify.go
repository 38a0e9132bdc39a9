package okta

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	oktasdk "github.com/okta/okta-sdk-golang/v5/okta"

	"github.com/oktabot/oktabot/intents"
)

// Okta Verify step-up. Before a sensitive approval counts, the approver
// confirms it on their phone: StartPushVerify sends a push to their
// active Okta Verify factor (POST /api/v1/users/{id}/factors/{fid}/verify,
// okta.users.manage) and WaitPush polls the transaction Okta answers with
// (GET …/factors/{fid}/transactions/{tid}, okta.users.read) until Okta
// says SUCCESS, REJECTED or TIMEOUT. Only intents.PushSuccess means the
// approver confirmed; anything else, an error included, must be treated
// as "not confirmed". The types are the domain's (intents/stepup.go), so
// the bot declares its own interface over these three methods.
//
// A typical caller:
//
//	u, err := c.UserByEmail(ctx, approverEmail) // the approver's Okta user
//	txn, err := c.StartPushVerify(ctx, u.ID)    // *intents.NoPushFactorError: cannot step up
//	out, err := c.WaitPush(ctx, txn, func(n int) { /* tell the approver n, privately */ })
//	if err == nil && out.Confirmed() { /* execute */ }
//
// StartPushVerify sends one push per call and is never retried (a retry
// could send a second push); WaitPush only reads and may be called again
// for the same transaction, e.g. after a restart, while Okta keeps it.

// DefaultPushInterval is how long WaitPush waits before each poll unless
// Config.PushInterval says otherwise. Okta's push lives five minutes:
// about a hundred polls at most.
const DefaultPushInterval = 3 * time.Second

// UserByEmail finds the one Okta user whose login or email is email (an
// approver, by the email of their Slack profile), without regard to case.
// No such user is intents.ErrNotFound, several are intents.ErrAmbiguous.
// The user's Status is Okta's: a caller that needs an ACTIVE approver
// checks it.
func (c *Client) UserByEmail(ctx context.Context, email string) (intents.User, error) {
	email = strings.TrimSpace(email)
	op := "okta: find the Okta user of " + email
	if email == "" {
		return intents.User{}, invalid("find the Okta user of an email", "no email to match an Okta user with")
	}
	users, err := c.usersByEmail(ctx, email)
	if err != nil {
		return intents.User{}, err
	}
	switch len(users) {
	case 0:
		return intents.User{}, &intents.Error{Err: intents.ErrNotFound, Op: op, Detail: "no Okta user has this login or email"}
	case 1:
		return users[0], nil
	}
	logins := make([]string, len(users))
	for i, u := range users {
		logins[i] = u.Login
	}
	return intents.User{}, &intents.Error{Err: intents.ErrAmbiguous, Op: op, Detail: "several Okta users have this login or email: " + strings.Join(logins, ", ")}
}

// pushFactor picks the user's ACTIVE Okta Verify push factor (provider
// OKTA, type push), the first Okta lists.
func pushFactor(userID string, fs []intents.Factor) (intents.Factor, error) {
	var inactive []string
	for _, f := range fs {
		if f.Type != "push" || !strings.EqualFold(f.Provider, "OKTA") {
			continue
		}
		if f.Status == "ACTIVE" {
			return f, nil
		}
		inactive = append(inactive, f.Status)
	}
	return intents.Factor{}, &intents.NoPushFactorError{Op: "okta: start push verification for " + userID, UserID: userID, Inactive: inactive}
}

// StartPushVerify sends an Okta Verify push to the user (by Okta id) and
// returns the transaction to wait on. A user without an ACTIVE Okta Verify
// push factor is an *intents.NoPushFactorError (an intents.ErrNotFound)
// and nothing is sent. The push is sent at most once: the verify request
// is never retried (only a DPoP nonce challenge, which Okta answers before
// it acts, is answered again).
func (c *Client) StartPushVerify(ctx context.Context, userID string) (intents.PushTxn, error) {
	if strings.TrimSpace(userID) == "" || strings.Contains(userID, "/") {
		return intents.PushTxn{}, invalid("start push verification", "no Okta user id to verify")
	}
	fs, err := c.Factors(ctx, userID)
	if err != nil {
		return intents.PushTxn{}, err
	}
	f, err := pushFactor(userID, fs)
	if err != nil {
		return intents.PushTxn{}, err
	}
	op := "start push verification for " + userID
	_, body, err := c.sdkCall(ctx, op, intents.ScopeUsersManage, func(ctx context.Context) (*oktasdk.APIResponse, error) {
		// An empty object, not the SDK's default: without Body() it sends
		// the JSON "null" (a typed nil map), which is not a request body.
		_, resp, err := c.api.UserFactorAPI.VerifyFactor(ctx, userID, f.ID).Body(map[string]interface{}{}).Execute()
		return resp, err
	})
	if err != nil {
		return intents.PushTxn{}, err
	}
	ans, err := decodePushAnswer(body)
	if err != nil {
		return intents.PushTxn{}, unavailable(op, err.Error())
	}
	if ans.result != "WAITING" {
		return intents.PushTxn{}, unavailable(op, "Okta answered factorResult "+quote(ans.result)+" to a push, not WAITING")
	}
	uid, fid, tid, ok := transactionOf(ans.poll)
	if !ok || fid != f.ID {
		return intents.PushTxn{}, unavailable(op, "Okta's answer has no poll link for the factor's transaction")
	}
	return intents.PushTxn{ID: tid, UserID: uid, FactorID: fid, Expires: ans.expires, Challenge: ans.challenge}, nil
}

// WaitPush polls txn until Okta reports SUCCESS, REJECTED or TIMEOUT, or
// ctx ends. It waits Config.PushInterval before each poll, and longer when the
// poll's rate-limit bucket (/api/v1, which it shares with the factor reads
// and policy calls) is down to its last tenth: then until the bucket's
// window resets, leaving that tenth to the rest of oktabot. The number
// challenge is reported to onChallenge (when not nil) once, as soon as it
// is known (at once when txn already holds it), so the approver can be
// told the number privately; it runs in WaitPush's goroutine and should
// return quickly.
//
// The outcome always carries the transaction id and the challenge, if
// any; its Result is set only when Okta gave a final one. A poll refused
// 429 is waited out (until the reset, a few times in a row at most); a
// poll that otherwise failed (after the transport's retries) or a result
// Okta does not document for a push is an error: not confirmed, and so
// is a transaction still WAITING a minute after txn.Expires.
func (c *Client) WaitPush(ctx context.Context, txn intents.PushTxn, onChallenge func(number int)) (intents.PushOutcome, error) {
	return c.waitPush(ctx, txn, onChallenge, sleep)
}

// waitPush is WaitPush with the pause between polls (tests watch it).
func (c *Client) waitPush(ctx context.Context, txn intents.PushTxn, onChallenge func(int), pause func(context.Context, time.Duration) error) (intents.PushOutcome, error) {
	out := intents.PushOutcome{TxnID: txn.ID, Challenge: txn.Challenge}
	op := "wait for push " + txn.ID
	if txn.ID == "" || txn.UserID == "" || txn.FactorID == "" {
		return out, invalid(op, "the push transaction is incomplete (id, user id and factor id are needed)")
	}
	interval := c.s.pushInterval
	shown := false
	show := func(n int) {
		if n > 0 && !shown {
			shown, out.Challenge = true, n
			if onChallenge != nil {
				onChallenge(n)
			}
		}
	}
	show(txn.Challenge)
	path := "/api/v1/users/" + txn.UserID + "/factors/" + txn.FactorID + "/transactions/" + txn.ID
	limited := 0 // polls refused 429 in a row
	for {
		if err := pause(ctx, c.pushPause(path, interval)); err != nil {
			return out, fmt.Errorf("okta: %s: %w", op, err)
		}
		_, body, err := c.sdkCall(ctx, op, intents.ScopeUsersRead, func(ctx context.Context) (*oktasdk.APIResponse, error) {
			_, resp, err := c.api.UserFactorAPI.GetFactorTransactionStatus(ctx, txn.UserID, txn.FactorID, txn.ID).Execute()
			return resp, err
		})
		if errors.Is(err, intents.ErrRateLimited) && ctx.Err() == nil && limited < maxLimitedPolls {
			// Others spent the bucket: the push is still there, and the
			// next pause waits for the reset the 429 announced.
			limited++
			continue
		}
		if err != nil {
			return out, err
		}
		limited = 0
		ans, err := decodePushAnswer(body)
		if err != nil {
			return out, unavailable(op, err.Error())
		}
		show(ans.challenge)
		switch r := intents.PushResult(ans.result); r {
		case intents.PushSuccess, intents.PushRejected, intents.PushTimeout:
			out.Result = r
			return out, nil
		case "WAITING":
			if !txn.Expires.IsZero() && time.Now().After(txn.Expires.Add(expiryGrace)) {
				return out, unavailable(op, "Okta still answers WAITING for a push that expired at "+txn.Expires.UTC().Format(time.RFC3339))
			}
		default:
			return out, unavailable(op, "Okta answered factorResult "+quote(ans.result)+" for a push transaction")
		}
	}
}

// expiryGrace is how long after a push's expiresAt WaitPush still polls
// a transaction Okta reports WAITING (clock differences), before it stops
// with an error: a caller without a deadline never waits forever.
const expiryGrace = time.Minute

// maxLimitedPolls is how many polls in a row may be refused 429 (after
// the transport's own waits) before WaitPush gives up.
const maxLimitedPolls = 3

// pushPause is the wait before the next poll of path: interval, or until
// the bucket's window resets when its last tenth (at least two calls) is
// all that remains.
func (c *Client) pushPause(path string, interval time.Duration) time.Duration {
	st, ok := c.limits.snapshot()[bucket("GET", path)]
	now := time.Now()
	if !ok || st.Limit <= 0 || !st.Reset.After(now) {
		return interval
	}
	if st.Remaining <= max(2, st.Limit/10) {
		return max(interval, st.Reset.Sub(now)+resetMargin)
	}
	return interval
}

// pushAnswer is what this package reads of Okta's answer to a verify or a
// transaction poll.
type pushAnswer struct {
	result    string
	poll      string
	expires   time.Time
	challenge int
}

// decodePushAnswer reads the raw body: the SDK's models of these answers
// are oneOfs keyed on factorResult and carry no _embedded challenge.
func decodePushAnswer(body []byte) (pushAnswer, error) {
	var raw struct {
		FactorResult string `json:"factorResult"`
		ExpiresAt    string `json:"expiresAt"`
		Links        struct {
			Poll struct {
				Href string `json:"href"`
			} `json:"poll"`
		} `json:"_links"`
		Embedded struct {
			Challenge struct {
				CorrectAnswer json.RawMessage `json:"correctAnswer"`
			} `json:"challenge"`
		} `json:"_embedded"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return pushAnswer{}, errors.New("the answer is not a factor verification object")
	}
	if raw.FactorResult == "" {
		return pushAnswer{}, errors.New("the answer has no factorResult")
	}
	a := pushAnswer{result: raw.FactorResult, poll: raw.Links.Poll.Href}
	if t, err := time.Parse(time.RFC3339Nano, raw.ExpiresAt); err == nil {
		a.expires = t
	}
	if n := strings.Trim(string(raw.Embedded.Challenge.CorrectAnswer), `"`); n != "" && n != "null" {
		v, err := strconv.Atoi(n)
		if err != nil || v <= 0 {
			return pushAnswer{}, fmt.Errorf("the number challenge %s is not a number", n)
		}
		a.challenge = v
	}
	return a, nil
}

// transactionOf reads the ids of a poll link
// (…/api/v1/users/{uid}/factors/{fid}/transactions/{tid}). Only the ids
// are used: the poll goes to the org through the SDK, never to a host a
// link names.
func transactionOf(href string) (uid, fid, tid string, ok bool) {
	u, err := url.Parse(href)
	if err != nil {
		return "", "", "", false
	}
	rest, found := strings.CutPrefix(u.EscapedPath(), "/api/v1/users/")
	if !found {
		return "", "", "", false
	}
	seg := strings.Split(rest, "/")
	if len(seg) != 5 || seg[1] != "factors" || seg[3] != "transactions" {
		return "", "", "", false
	}
	for i, s := range seg {
		if s, err = url.PathUnescape(s); err != nil || s == "" {
			return "", "", "", false
		}
		seg[i] = s
	}
	return seg[0], seg[2], seg[4], true
}

// unavailable is an ErrUnavailable: Okta answered something this package
// cannot use.
func unavailable(op, detail string) error {
	return &intents.Error{Err: intents.ErrUnavailable, Op: "okta: " + op, Detail: detail}
}
