package okta

import (
	"context"
	"iter"
	"net/url"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// LogPage is one page of the System Log read in polling mode.
type LogPage struct {
	Events []intents.Event
	// Cursor is where to resume after this page: Okta's next link as it
	// gave it (absolute and opaque), to be stored with what the page's
	// events produced and passed to the next Poll.
	Cursor string
	// CaughtUp says the page was empty: nothing newer yet. Its Cursor
	// still works; Okta asks pollers to wait before following it.
	CaughtUp bool
}

// pollOp names the poller's operation in errors.
const pollOp = "poll the system log"

// Poll reads the System Log in Okta's polling mode: ascending, without
// until, restricted to the event types the detections read (the filter is
// Okta's, so other events never leave Okta). It starts at cursor, a
// LogPage.Cursor of an earlier Poll (possibly before a restart), or, when
// cursor is "", at since. It follows each page's next link exactly as
// Okta gives it and stops after the first empty page, which it yields with
// CaughtUp, or when the caller stops.
//
// Each page is yielded with the cursor that resumes after it, so a caller
// that commits a page's cursor together with what it made of the page's
// events neither loses nor repeats an event. On an error (a 429 that
// outlasted the transport's waits, a query Okta cut off, a refused
// cursor) Poll yields the error and nothing more: no cursor past an
// unread event was yielded, and a later Poll from the last cursor reads
// on from there.
//
// Unlike a windowed read (readParts), Poll never rebuilds a request from a
// time once it has started, so Okta never sends it an event twice and
// nothing needs dropping: every request after the first is Okta's link.
// A cursor keeps the filter it was made with, as Okta's link does.
func (c *Client) Poll(ctx context.Context, cursor string, since time.Time) iter.Seq2[LogPage, error] {
	return c.poll(ctx, cursor, since, logPageMax)
}

// poll is Poll with a page size.
func (c *Client) poll(ctx context.Context, cursor string, since time.Time, pageSize int) iter.Seq2[LogPage, error] {
	return func(yield func(LogPage, error) bool) {
		q := logQuery{filter: c.detectionFilter(), pageSize: pageSize}
		at, err := c.pollStart(q, cursor, since)
		if err != nil {
			yield(LogPage{}, err)
			return
		}
		for {
			raw, err := c.fetchLogRaw(ctx, q, at)
			if err != nil {
				yield(LogPage{}, err)
				return
			}
			next, err := c.pollLink(raw.next.page)
			if err != nil {
				yield(LogPage{}, err)
				return
			}
			caughtUp := len(raw.items) == 0
			p := c.decodeLogPage(q, raw)
			if !yield(LogPage{Events: p.items, Cursor: next, CaughtUp: caughtUp}, nil) || caughtUp {
				return
			}
			at = raw.next.page
		}
	}
}

// pollStart is the first request of a Poll: the stored cursor's, checked,
// or a fresh polling query from since.
func (c *Client) pollStart(q logQuery, cursor string, since time.Time) (string, error) {
	if cursor != "" {
		req, err := c.checkPollCursor(cursor)
		if err != nil {
			return "", err
		}
		if u, err := url.Parse(req); err != nil || u.Query().Get("filter") != q.filter {
			// Okta binds a cursor to its filter: one made before the team's
			// rules changed would never read the event types they now need.
			return "", invalid(pollOp, "the stored poll cursor reads other event types than the detections and the team's rules need now; it was not followed (start again from a time)")
		}
		return req, nil
	}
	if since.IsZero() {
		return "", invalid(pollOp, "a poll starts from a stored cursor or from a time; neither was given")
	}
	return q.request(since.Truncate(time.Millisecond), time.Time{}), nil
}

// pollLink is the cursor of Okta's next link (the request fetchLogRaw
// read, on the org): absolute, as Okta gave it. A polling query always
// has one; an answer without one, or one that is no polling query of the
// System Log, cannot be resumed from and is an error.
func (c *Client) pollLink(next string) (string, error) {
	if next == "" {
		return "", &intents.Error{Err: intents.ErrUnavailable, Op: "okta: " + pollOp,
			Detail: "Okta's answer to a polling read has no next link; there is nothing to resume from"}
	}
	link := c.s.org.String() + next
	if _, err := c.checkPollCursor(link); err != nil {
		return "", &intents.Error{Err: intents.ErrUnavailable, Op: "okta: " + pollOp,
			Detail: "Okta's next link is not a polling read of the System Log; it was not followed"}
	}
	return link, nil
}

// checkPollCursor checks a stored cursor and returns its request (path
// and query, on the org). A cursor is input (it comes from the store, and
// may be from another org or another version): it must be a polling query
// of this org's System Log, https://<org>/api/v1/logs?…, ascending and
// without until, and nothing else.
func (c *Client) checkPollCursor(cursor string) (string, error) {
	bad := func(why string) error {
		return invalid(pollOp, "the stored poll cursor "+why+"; it was not followed (start again from a time)")
	}
	u, err := url.Parse(cursor)
	if err != nil || !u.IsAbs() || u.Opaque != "" {
		return "", bad("is not a link")
	}
	if !strings.EqualFold(u.Scheme, c.s.org.Scheme) || !strings.EqualFold(u.Host, c.s.org.Host) || u.User != nil {
		return "", bad("is not a link to this org (" + c.s.org.Host + ")")
	}
	if u.Path != "/api/v1/logs" || u.RawPath != "" || u.Fragment != "" {
		return "", bad("does not lead to the System Log (/api/v1/logs)")
	}
	v, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return "", bad("has a query that does not parse")
	}
	switch {
	case v.Has("until"):
		return "", bad("is a bounded read (it has until), not a poll")
	case v.Has("sortOrder") && !strings.EqualFold(v.Get("sortOrder"), "ASCENDING"):
		return "", bad("reads newest first, not a poll")
	case v.Get("since") == "" && v.Get("after") == "":
		return "", bad("has neither since nor after")
	}
	return u.RequestURI(), nil
}
