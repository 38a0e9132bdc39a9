package intents

import (
	"context"
	"time"
)

// ReadOptions are the clock and the time zone requests are read with: the
// days of "today", "yesterday", "since Monday" and "since Nov 20", and the
// dates of since: and until: (ParseIn), start and end at midnight in
// Location; "today" runs to Now.
type ReadOptions struct {
	// Now is the present; zero means time.Now().
	Now time.Time
	// Location is the reader's zone; nil means UTC.
	Location *time.Location
}

// Present is the present in the reader's zone.
func (o ReadOptions) Present() time.Time {
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	if o.Location == nil {
		return now.UTC()
	}
	return now.In(o.Location)
}

type locationKey struct{}

// WithLocation returns ctx carrying the zone of the person whose text is
// classified; Rules (and classifiers built on it) read days in that zone
// instead of their own Location.
func WithLocation(ctx context.Context, loc *time.Location) context.Context {
	if loc == nil {
		return ctx
	}
	return context.WithValue(ctx, locationKey{}, loc)
}

// LocationFrom returns the zone WithLocation put in ctx, or def.
func LocationFrom(ctx context.Context, def *time.Location) *time.Location {
	if loc, ok := ctx.Value(locationKey{}).(*time.Location); ok {
		return loc
	}
	return def
}
