// Package charts draws the pictures oktabot attaches to an answer's
// thread: an investigation's events over its window by outcome, with the
// events a finding names marked; a threat sweep's findings by user and
// severity; and an MFA scan's coverage by factor strength.
//
// # Charts
//
// For turns an intents.Result into a Chart: PNG bytes of Width × Height
// pixels, a file name, a title and the alt text screen readers read (at
// most MaxAltText characters, Slack's limit for alt_txt). Has says, without
// drawing, whether a result gets a chart: results of other kinds, and
// results with nothing to draw (no events, no findings, no scanned user),
// get none.
//
// Drawing is deterministic: the same result and zone give the same bytes.
// The size is fixed, text uses gonum.org/v1/plot's embedded Liberation
// fonts (never the system's), times are shown in the zone given, and
// nothing depends on the clock or on map order.
//
// # What it must not do
//
// It is pure: no I/O, no clock, no Slack. It is the only package that
// imports gonum.org/v1/plot, so the plotting library stays out of the rest
// of oktabot; bot uploads what it returns. Text drawn in a chart comes from
// Okta and is untrusted, but a picture cannot carry a link or a mention:
// it is only shortened to fit.
package charts
