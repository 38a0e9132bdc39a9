package blocks

import (
	"strconv"

	"github.com/oktabot/oktabot/intents"
	"github.com/slack-go/slack"
)

// list is one pageable list of a result: how to name its items, how many
// there are, how to render one, and what to say when there are none.
type list struct {
	one, many string
	n         int
	row       func(i int) string // mrkdwn, one or two lines
	empty     string             // mrkdwn
	// act, when set, is a row's action button, or nil; the buttons of a
	// page's rows share one actions block.
	act func(i int) slack.BlockElement
}

// pageOf clamps the requested page and returns it with the page count and
// the [from, to) item range it shows.
func (rc *rctx) pageOf(n int) (page, pages, from, to int) {
	size := rc.o.pageSize()
	pages = max(1, (n+size-1)/size)
	page = min(max(rc.o.Page, 1), pages)
	from = (page - 1) * size
	to = min(from+size, n)
	return page, pages, from, to
}

// listBlocks renders the current page of l: rows packed into as few
// sections as the section limit allows, a context line with the position,
// a truncation warning, and the pager. It also returns a summary for the
// fallback text.
func (rc *rctx) listBlocks(l list) ([]slack.Block, string) {
	if l.n == 0 {
		return []slack.Block{section("empty", l.empty)}, "no " + l.many
	}
	page, pages, from, to := rc.pageOf(l.n)
	var blocks []slack.Block
	cur := ""
	flush := func() {
		if cur != "" {
			blocks = append(blocks, section("rows_"+strconv.Itoa(len(blocks)+1), cur))
			cur = ""
		}
	}
	for i := from; i < to; i++ {
		row := clipMarkup(l.row(i), MaxSectionText)
		if cur != "" && chars(cur)+1+chars(row) > MaxSectionText {
			flush()
		}
		if cur != "" {
			cur += "\n"
		}
		cur += row
	}
	flush()

	total := plural(l.n, l.one, l.many)
	summary := total
	pos := total
	if pages > 1 {
		pos = "Page " + count(page) + " of " + count(pages) + " · " + count(from+1) + "–" + count(to) + " of " + total
		summary += " (page " + count(page) + " of " + count(pages) + ")"
	}
	blocks = append(blocks, contextBlock("position", pos))
	if rc.r.Truncated {
		note := ":warning: Okta has more: this listing stopped at " + total + "."
		switch {
		case rc.r.Next != "" && page == pages:
			note += " *▶ Next* continues."
		case rc.r.Next != "":
			note += " *▶ Next* on the last page continues."
		default:
			note += " Narrow the query to see the rest."
		}
		blocks = append(blocks, contextBlock("truncated", note))
		summary += ", truncated"
	}
	if a := rowActions(l, from, to); a != nil {
		blocks = append(blocks, a)
	}
	if a := rc.pager(page, pages); a != nil {
		blocks = append(blocks, a)
	}
	return blocks, summary
}

// rowActions is the actions block of the buttons of rows [from, to), at
// most MaxActionElements; nil when there are none.
func rowActions(l list, from, to int) *slack.ActionBlock {
	if l.act == nil {
		return nil
	}
	var els []slack.BlockElement
	for i := from; i < to && len(els) < MaxActionElements; i++ {
		if b := l.act(i); b != nil {
			els = append(els, b)
		}
	}
	if len(els) == 0 {
		return nil
	}
	return slack.NewActionBlock("row_actions", els...)
}

// pager is the actions block of a list: ◀ Prev and ▶ Next where there is
// such a page (▶ Next on the last page follows Okta's cursor when the
// listing was cut short), and Export CSV. A button whose value cannot be
// encoded is left out. The buttons of a System Log listing carry its
// window's cursor: a page shown later is one of the same window.
func (rc *rctx) pager(page, pages int) *slack.ActionBlock {
	in := rc.r.Intent
	if in.After == "" {
		in.After = rc.r.Window
	}
	var els []slack.BlockElement
	if page > 1 {
		if v, err := EncodePageValue(in, page-1); err == nil {
			els = append(els, button(ActionPrev, "◀ Prev", v))
		}
	}
	switch {
	case page < pages:
		if v, err := EncodePageValue(in, page+1); err == nil {
			els = append(els, button(ActionNext, "▶ Next", v))
		}
	case rc.r.Next != "":
		next := in
		next.After = rc.r.Next
		if v, err := EncodePageValue(next, 1); err == nil {
			els = append(els, button(ActionNext, "▶ Next", v))
		}
	}
	if v, err := EncodePageValue(in, page); err == nil {
		els = append(els, button(ActionExport, "Export CSV", v))
	}
	if len(els) == 0 {
		return nil
	}
	return slack.NewActionBlock("pager", els...)
}

// unfilteredEmpty is what an empty listing of a whole org says: every org
// has users, groups, apps and policies, so the service app lacks an admin
// role (the README's troubleshooting gives the same fix).
func unfilteredEmpty(many string) string {
	return ":warning: Okta returned no " + many + ". Every org has some, so the service app probably has no admin role: " +
		"in the Admin Console open the service app (Applications → Applications), and on its *Admin roles* tab assign *Read-Only Administrator*."
}

// filtered reports whether the intent narrows a listing.
func filtered(in intents.Intent) bool {
	return in.Query != "" || in.Status != "" || in.After != ""
}
